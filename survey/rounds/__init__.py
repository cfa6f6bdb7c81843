"""Rounds and samples (调查轮次与样本).

``service`` plans rounds; ``plan`` computes sizes, allocations and the preview; ``draw`` freezes a
sample, ``selection`` is the one function that draws and redraws, ``verify`` checks a sample by
redrawing it, ``coordinate`` spreads samples across rounds by permanent random numbers; ``rules``
and ``reserves`` end cases and release reserves; ``assign``, ``balance`` and ``eligibility`` hand
cases to surveyors under the cross-area rule; ``cases`` lists and exports them. Views live in
``views`` and ``case_views``; ``cli`` is ``flask --app wsgi sample verify``.
"""
