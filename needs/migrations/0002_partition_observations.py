"""On PostgreSQL, observations are partitioned by dataset: one table per imported file.

An import COPYs into a fresh table with no indexes, builds the indexes in bulk, and attaches it as a
partition in the same transaction that marks the dataset complete; dropping a file's rows is dropping
its table. Rows written by ordinary INSERTs (tests, small loads) land in a default partition. The
primary key includes the partition key, as PostgreSQL requires; ids stay unique through one sequence.
SQLite keeps the plain table.
"""

from django.db import migrations

FORWARD = """
ALTER TABLE needs_observation RENAME TO needs_observation_unpartitioned;
CREATE SEQUENCE needs_observation_ids AS bigint;
CREATE TABLE needs_observation (
    id bigint NOT NULL DEFAULT nextval('needs_observation_ids'),
    year smallint NOT NULL,
    time_period integer NOT NULL,
    measure varchar(64) NOT NULL,
    primary_need varchar(8) NOT NULL,
    age_min smallint NULL,
    age_max smallint NULL,
    setting varchar(160) NOT NULL,
    breakdown_topic varchar(80) NOT NULL,
    breakdown varchar(160) NOT NULL,
    value double precision NULL,
    marker varchar(4) NOT NULL,
    indicator varchar(64) NOT NULL,
    area_id bigint NOT NULL,
    dataset_id bigint NOT NULL
) PARTITION BY LIST (dataset_id);
ALTER SEQUENCE needs_observation_ids OWNED BY needs_observation.id;
CREATE TABLE needs_observation_default PARTITION OF needs_observation DEFAULT;
INSERT INTO needs_observation
    (id, year, time_period, measure, primary_need, age_min, age_max, setting, breakdown_topic, breakdown,
     value, marker, indicator, area_id, dataset_id)
SELECT id, year, time_period, measure, primary_need, age_min, age_max, setting, breakdown_topic, breakdown,
       value, marker, indicator, area_id, dataset_id
FROM needs_observation_unpartitioned;
SELECT setval('needs_observation_ids', COALESCE((SELECT max(id) FROM needs_observation), 0) + 1, false);
DROP TABLE needs_observation_unpartitioned;
ALTER TABLE needs_observation ADD CONSTRAINT needs_observation_pkey PRIMARY KEY (id, dataset_id);
CREATE INDEX observation_area_measure_idx ON needs_observation (area_id, measure, year);
CREATE INDEX needs_observation_default_dataset ON needs_observation_default (dataset_id, year);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD.replace("%", "%%"))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        raise NotImplementedError("Observations stay partitioned once they are.")


class Migration(migrations.Migration):
    dependencies = [("needs", "0001_initial")]

    operations = [
        # Within a partition the dataset is constant: an index on it would be dead weight there.
        migrations.RemoveIndex(model_name="observation", name="observation_dataset_year_idx"),
        migrations.RunPython(forward, backward, elidable=False),
    ]
