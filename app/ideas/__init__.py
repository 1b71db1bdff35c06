"""Ideas on the draft card: writing, publishing, editing, withdrawing, browsing, search."""
