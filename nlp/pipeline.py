"""The orchestrator: framework + documents -> per-document findings -> report.

Interface (stable; other modules and the service rely on it):

    auditor = Auditor(framework, embedder=load_embedder(), segmenter=Segmenter())
    findings = auditor.analyze(documents, progress=lambda done, total: ...)
    report   = auditor.audit(documents, period_from=None, period_to=None)   # contract §4 dict
    scored   = auditor.score_memo(text, doc_id="draft")                     # per-document dict
                                                                            # + "score", "suggestions"
"""
