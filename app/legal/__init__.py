"""The legal frame: Impressum, Datenschutzerklärung, Nutzungsbedingungen, Barrierefreiheitserklärung
(versioned, edited by the administration), consent at sign-up, and "Barriere melden"."""
