"""The annual evaluation's documents: one .docx per county (GB/T 9704 layout, registry.documents) and one
summary workbook. Written by a worker after the province finalises the year, county by county, with the
progress saved as it goes so the page can show it."""
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from registry import documents
from registry.excel import Column, Kind, SheetSpec, export_rows

from . import catalogue
from .evaluation import class_domain_averages, pairing_section
from .models import CountyEvaluation, Domain, EvaluationYear, Group

ISSUER = "省缩小“三大差距”工作专班"


def _f(value, digits=1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _highlight_rows(items) -> list[list[str]]:
    return [[f"{i['code']} {i['name']}", f"{i['value']:g}{i['unit']}", _f(i["score"]), _f(i["class_average"]), f"{i['gap']:+.1f}"]
            for i in items]


HIGHLIGHT_COLUMNS = [documents.DocColumn("指标"), documents.DocColumn("数值", True, True), documents.DocColumn("标准化得分", True, True),
                     documents.DocColumn("同类平均", True, True), documents.DocColumn("差值", True, True)]


def county_docx(evaluation: CountyEvaluation, domains, averages: dict, *, draft=False) -> bytes:
    county, year = evaluation.division, evaluation.year_id and evaluation.year.year
    group = Group(county.index_class).label if county.index_class else ""
    doc = documents.official_document()
    documents.add_title(doc, f"{county.name}{year}年度城乡一体融合高质量发展评价{'（草稿）' if draft else ''}")
    version = catalogue.version_for(str(year))
    if version is not None and version.is_demonstration:
        documents.add_paragraph(doc, catalogue.DEMO_NOTICE)
    documents.add_heading(doc, "一、总体情况")
    rank = f"在{group}{evaluation.group_size}个县（市、区）中排第{evaluation.rank_in_group}位" if evaluation.rank_in_group else "本年度未排名"
    documents.add_paragraph(doc, f"{year}年，{county.name}城乡一体融合高质量发展综合指数为{_f(evaluation.composite, 2)}，{rank}。")
    group_avg = averages.get(county.index_class, {})
    documents.add_table(doc, [documents.DocColumn("领域"), documents.DocColumn("得分", True, True), documents.DocColumn("同类平均", True, True)],
                        [[d.name, _f(evaluation.domain_scores.get(d.code)), _f(group_avg.get(d.code))] for d in domains])
    documents.add_heading(doc, "二、长板优势")
    if evaluation.strengths:
        documents.add_table(doc, HIGHLIGHT_COLUMNS, _highlight_rows(evaluation.strengths))
    else:
        documents.add_paragraph(doc, "本年度没有高于同类平均的指标。")
    documents.add_heading(doc, "三、短板不足")
    if evaluation.weaknesses:
        documents.add_table(doc, HIGHLIGHT_COLUMNS, _highlight_rows(evaluation.weaknesses))
    else:
        documents.add_paragraph(doc, "本年度没有低于同类平均的指标。")
    documents.add_heading(doc, "四、交办事项与重大项目")
    documents.add_paragraph(doc, f"全年交办事项销号率{_f(evaluation.closure_rate)}%，重大项目年度投资完成率{_f(evaluation.project_completion)}%"
                                 "（据月度调度统计）。")
    documents.add_heading(doc, "五、结对帮扶")
    documents.add_paragraph(doc, pairing_section(evaluation))
    documents.add_heading(doc, "六、精准建议")
    for line in (evaluation.recommendation or "（待专班填写。）").splitlines():
        if line.strip():
            documents.add_paragraph(doc, line.strip())
    documents.add_signature(doc, ISSUER, timezone.localdate())
    return documents.to_bytes(doc)


def summary_sheet(domains) -> SheetSpec:
    columns = [Column("区划代码", "code"), Column("县（市、区）", "name"), Column("类别", "group"),
               Column("综合指数", "composite", Kind.DECIMAL), Column("组内排名", "rank", Kind.INT)]
    columns += [Column(d.name, f"d:{d.code}", Kind.DECIMAL) for d in domains]
    columns += [Column("长板优势", "strengths"), Column("短板不足", "weaknesses"), Column("销号率（%）", "closure", Kind.DECIMAL),
                Column("项目投资完成率（%）", "completion", Kind.DECIMAL), Column("精准建议", "recommendation")]
    return SheetSpec("年度评价汇总", columns=columns)


def summary_rows(evaluations, domains):
    for e in evaluations:
        row = {"code": e.division.code, "name": e.division.name,
               "group": Group(e.division.index_class).label if e.division.index_class else "",
               "composite": None if e.composite is None else round(e.composite, 2), "rank": e.rank_in_group,
               "strengths": "、".join(i["name"] for i in e.strengths), "weaknesses": "、".join(i["name"] for i in e.weaknesses),
               "closure": e.closure_rate, "completion": e.project_completion, "recommendation": e.recommendation}
        row.update({f"d:{d.code}": None if e.domain_scores.get(d.code) is None else round(e.domain_scores[d.code], 2)
                    for d in domains})
        yield row


def evaluation_documents_write(*, year: int) -> dict:
    state = EvaluationYear.objects.get(year=year)
    domains, averages = list(Domain.objects.all()), class_domain_averages(year)
    evaluations = list(CountyEvaluation.objects.filter(year=state).select_related("division", "year").order_by("division__code"))
    EvaluationYear.objects.filter(pk=state.pk).update(documents_total=len(evaluations), documents_done=0, documents_error="")
    for evaluation in evaluations:
        content = county_docx(evaluation, domains, averages)
        evaluation.docx.save(f"evaluation_{year}_{evaluation.division.code}.docx", ContentFile(content), save=False)
        CountyEvaluation.objects.filter(pk=evaluation.pk).update(docx=evaluation.docx.name)
        EvaluationYear.objects.filter(pk=state.pk).update(documents_done=F("documents_done") + 1)
    workbook = export_rows(summary_sheet(domains), list(summary_rows(evaluations, domains)))
    state.refresh_from_db()
    state.workbook.save(f"evaluation_{year}_summary.xlsx", ContentFile(workbook), save=False)
    EvaluationYear.objects.filter(pk=state.pk).update(workbook=state.workbook.name)
    return {"year": year, "documents": len(evaluations)}
