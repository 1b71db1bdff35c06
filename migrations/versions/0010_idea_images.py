"""idea images

Up to three pictures per idea, with alternative text; the files are under UPLOAD_DIR
(app/ideas/images.py), re-encoded in a few widths under a random key.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:53:33.817612

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idea_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('alt_text', sa.String(length=300), nullable=False),
    sa.Column('file_key', sa.String(length=32), nullable=False),
    sa.Column('widths', sa.String(length=40), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_images_idea_id_ideas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_images')),
    sa.UniqueConstraint('file_key', name=op.f('uq_idea_images_file_key'))
    )
    with op.batch_alter_table('idea_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_images_idea_id'), ['idea_id'], unique=False)



def downgrade():
    with op.batch_alter_table('idea_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_images_idea_id'))

    op.drop_table('idea_images')
