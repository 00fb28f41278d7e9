"""The classroom database: challenges, submissions and teacher logins, behind SQLAlchemy.

SQLite file by default (one machine, several web processes: WAL mode), PostgreSQL through
`database_url` / CNNLAB_DATABASE_URL when web processes run on several machines. The schema is
made and upgraded only by the Alembic migrations in `migrations/`.
"""
