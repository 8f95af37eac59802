"""The keyed ledger: hash_version and case_version on events and the append-only anchor tables (the
legacy seal follows in 0011)."""

import django.db.models.deletion
from django.db import migrations, models

# Append-only anchors: no UPDATE or DELETE, whoever asks, short of disabling the trigger (the owner).
# TRUNCATE is refused to the application role by its grants (manage.py create_app_role), not by a
# trigger: the test runner's flush truncates every table as the owner.
POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION cases_ledgeranchor_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '台账锚点不可修改或删除（%）', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION cases_ledgeranchor_append_only();
"""
    for table in ("cases_ledgeranchor", "cases_ledgeranchorhead")
)
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS cases_ledgeranchor_append_only ON cases_ledgeranchor;
DROP TRIGGER IF EXISTS cases_ledgeranchorhead_append_only ON cases_ledgeranchorhead;
DROP FUNCTION IF EXISTS cases_ledgeranchor_append_only();
"""
SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '台账锚点不可修改或删除（{op}）'); END"
    for table in ("cases_ledgeranchor", "cases_ledgeranchorhead")
    for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}"
    for table in ("cases_ledgeranchor", "cases_ledgeranchorhead")
    for op in ("UPDATE", "DELETE")
]


def _triggers(postgres, sqlite):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # params=None: the SQL holds a literal % that must not be taken for a placeholder.
            schema_editor.execute(postgres, params=None)
        elif schema_editor.connection.vendor == "sqlite":
            for statement in sqlite:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_mark_seeded_calendar_years'),
    ]

    operations = [
        migrations.CreateModel(
            name='LedgerAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('legacy', '旧链封存'), ('daily', '每日锚定'), ('month_end', '月末交账')], max_length=16, verbose_name='类型')),
                ('period', models.DateField(help_text='每日锚定为所锚定的日期，月末交账为当月1日', verbose_name='锚定日期')),
                ('created_at', models.DateTimeField(verbose_name='写入时间')),
                ('prev_signature', models.CharField(blank=True, max_length=64, verbose_name='上一锚点签名')),
                ('last_event_id', models.BigIntegerField(default=0, verbose_name='最大办理记录编号')),
                ('case_count', models.PositiveIntegerField(default=0, verbose_name='交办事项数')),
                ('event_count', models.PositiveBigIntegerField(default=0, verbose_name='办理记录数')),
                ('head_count', models.PositiveIntegerField(default=0, verbose_name='本次变化的链头数')),
                ('heads_digest', models.CharField(max_length=64, verbose_name='链头摘要')),
                ('rollup_month', models.DateField(blank=True, null=True, verbose_name='统计月份')),
                ('rollup_finalised', models.BooleanField(default=False, verbose_name='统计已定稿')),
                ('rollup_rows', models.PositiveIntegerField(default=0, verbose_name='快照行数')),
                ('rollup_digest', models.CharField(blank=True, max_length=64, verbose_name='快照摘要')),
                ('signature', models.CharField(max_length=64, verbose_name='签名（HMAC）')),
            ],
            options={
                'verbose_name': '台账锚点',
                'verbose_name_plural': '台账锚点',
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='LedgerCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField(verbose_name='开始时间')),
                ('finished_at', models.DateTimeField(verbose_name='结束时间')),
                ('ok', models.BooleanField(verbose_name='校验通过')),
                ('case_count', models.PositiveIntegerField(default=0, verbose_name='校验事项数')),
                ('event_count', models.PositiveBigIntegerField(default=0, verbose_name='校验记录数')),
                ('anchor_id', models.BigIntegerField(blank=True, null=True, verbose_name='对照锚点')),
                ('findings', models.JSONField(blank=True, default=list, verbose_name='发现的问题')),
            ],
            options={
                'verbose_name': '台账校验记录',
                'verbose_name_plural': '台账校验记录',
                'ordering': ['-id'],
            },
        ),
        migrations.AddField(
            model_name='caseevent',
            name='case_version',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='事项版本号'),
        ),
        # Existing events are legacy (plain sha256); new ones are keyed: default 1 fills the old rows.
        migrations.AddField(
            model_name='caseevent',
            name='hash_version',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='哈希算法版本'),
        ),
        migrations.AlterField(
            model_name='caseevent',
            name='hash_version',
            field=models.PositiveSmallIntegerField(default=2, verbose_name='哈希算法版本'),
        ),
        migrations.CreateModel(
            name='LedgerAnchorHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_id', models.BigIntegerField(verbose_name='交办事项编号')),
                ('seq', models.PositiveIntegerField(verbose_name='链头序号')),
                ('hash', models.CharField(max_length=64, verbose_name='链头哈希')),
                ('anchor', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='heads', to='cases.ledgeranchor', verbose_name='锚点')),
            ],
            options={
                'verbose_name': '锚定链头',
                'verbose_name_plural': '锚定链头',
                'indexes': [models.Index(fields=['case_id', 'anchor'], name='anchor_head_case')],
                'constraints': [models.UniqueConstraint(fields=('anchor', 'case_id'), name='anchor_head_unique_case')],
            },
        ),
            migrations.RunPython(_triggers(POSTGRES_CREATE, SQLITE_CREATE), _triggers(POSTGRES_DROP, SQLITE_DROP)),
    ]
