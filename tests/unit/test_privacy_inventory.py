"""The declared list of personal data (app/privacy/inventory.py) against the schema.

A new table, a new column or a new reference to an account fails here until it is declared:
exported or withheld (with a reason), and deleted, unlinked or kept on account deletion.
"""

import re
from collections import defaultdict

from app.models import Base
from app.privacy.inventory import DELETE, ERASE, HOLDINGS, KEEP, NO_PERSONAL_DATA, UNLINK

TABLES = Base.metadata.tables
LOOKS_PERSONAL = re.compile(r"email|mail|address|phone|ip_|user|author|actor|person|name", re.IGNORECASE)


def _holdings_by_table():
    by_table = defaultdict(list)
    for holding in HOLDINGS:
        by_table[holding.table].append(holding)
    return by_table


def test_every_table_is_declared_once():
    declared = set(_holdings_by_table()) | set(NO_PERSONAL_DATA)
    assert set(TABLES) - declared == set(), "tables without a declaration in app/privacy/inventory.py"
    assert declared - set(TABLES) == set(), "declarations of tables that do not exist"
    assert not set(_holdings_by_table()) & set(NO_PERSONAL_DATA), "a table is both personal and not"
    assert len({h.section for h in HOLDINGS}) == len(HOLDINGS), "export sections must have distinct keys"


def test_every_column_of_a_table_with_personal_data_is_exported_or_withheld_with_a_reason():
    for table, holdings in _holdings_by_table().items():
        columns = {column.name for column in TABLES[table].columns}
        covered = set().union(*(h.columns for h in holdings))
        assert columns - covered == set(), f"{table}: undeclared columns"
        assert covered - columns == set(), f"{table}: declared columns that do not exist"
        for holding in holdings:
            assert not set(holding.exported) & set(holding.withheld), f"{holding.section}: exported and withheld"
            assert all(reason.strip() for reason in holding.withheld.values())


def test_every_reference_to_an_account_is_a_declared_link():
    links = {(h.table, h.link) for h in HOLDINGS}
    for table in TABLES.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == "users":
                assert (table.name, fk.parent.name) in links, f"{table.name}.{fk.parent.name} names an account"


def test_tables_declared_without_personal_data_have_no_column_that_looks_personal():
    allowed = {("municipalities", "name"), ("action_fields", "name"), ("criteria", "name"), ("counters", "name"),
               ("projects", "contact_name"),  # published by staff with the person's consent, no account (docs/privacy.md)
               ("meetings", "address"),  # where a public event takes place (a town hall, a library), not a person's
               ("municipalities", "office_address"),  # a town hall's office
               ("raeume", "name"),  # a Raum of the funding call
               ("funding_call", "name")}  # the funding call's name
    for name in NO_PERSONAL_DATA:
        for column in TABLES[name].columns:
            if LOOKS_PERSONAL.search(column.name):
                assert (name, column.name) in allowed, f"{name}.{column.name} looks personal: declare it"


def test_what_deletion_does_is_consistent_with_the_schema():
    for holding in HOLDINGS:
        table = TABLES[holding.table]
        assert holding.on_delete in (DELETE, UNLINK, KEEP, ERASE)
        if holding.on_delete == UNLINK:
            for name in holding.erased:
                column = table.c[name]
                assert column.nullable or isinstance(column.type.python_type(), str), f"{holding.section}: {name} cannot be emptied"
        for fk in table.foreign_keys:
            if fk.column.table.name == "users" and fk.parent.name == holding.link and fk.ondelete == "SET NULL":
                assert holding.on_delete == UNLINK, f"{holding.section}: the database unlinks it, so must the deletion"
    assert [h.table for h in HOLDINGS if h.on_delete == ERASE] == ["users"]
