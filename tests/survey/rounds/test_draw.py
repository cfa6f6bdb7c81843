"""Drawing: each design through the web, the record it freezes, the seed, discarding a sample."""

import sqlalchemy as sa

from sampling import designs
from survey.catalog.service import program_by_code
from survey.extensions import db
from survey.models import AuditEvent, Case, Person, SampleDraw, SampleUnit, User
from survey.rounds.frame import load_frame
from survey.rounds.selection import sort_key
from tests.survey.rounds.helpers import draw, form_fields, import_with_amounts, new_round


def _units(app, code: str) -> list[tuple]:
    """(key, stratum, N_h, p, weight, reserve order) of the program's drawn units."""
    with app.app_context():
        return sorted(db.session.execute(
            sa.select(Person.id_hash, SampleUnit.stratum, SampleUnit.stratum_population,
                      SampleUnit.inclusion_probability, SampleUnit.weight,
                      SampleUnit.reserve_order)
            .join(Person, Person.id == SampleUnit.person_id)
            .join(SampleDraw).where(SampleDraw.program_id == program_by_code(code).id)).all(),
            key=lambda r: (r[5] or 0, r[1], r[0]))


def _draw_facts(app) -> SampleDraw:
    with app.app_context():
        row = db.session.scalar(sa.select(SampleDraw))
        db.session.expunge(row)
        return row


def test_a_stratified_draw_is_the_libraries_stratified_sample(app, client, make_user,
                                                             make_roster):
    make_roster("wubao", 300, seed=3)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"wubao": 60}, design="stratified", allocation="equal",
                         reserve_percent="10")
    draw(client, round_id, seed=20110701)
    facts = _draw_facts(app)
    with app.app_context():
        frame = load_frame(program_by_code("wubao"))
        keys, towns = frame.keys, [r.town_label for r in frame.rows]
    library = designs.stratified(keys, towns, 60, seed=facts.seed, allocation="equal",
                                 n_reserves=2)
    units = _units(app, "wubao")
    drawn = [(k, s, big_n, p, w) for k, s, big_n, p, w, order in units if order is None]
    assert sorted(drawn) == sorted((u.key, u.stratum, u.population, u.inclusion_probability,
                                    u.weight) for u in library.units)
    reserves = [(k, s, order) for k, s, _, _, _, order in units if order is not None]
    assert sorted(reserves) == sorted((r.key, r.stratum, r.order) for r in library.reserves)
    assert {w for *_, w, order in units if order is None} == {120 / 20, 120 / 20, 60 / 20}
    assert facts.params["strata"][towns[0]]["sample_size"] == 20
    assert facts.params["allocation"]["method"] == "equal"


def test_a_systematic_draw_walks_the_frame_sorted_by_town_and_village(app, client, make_user,
                                                                     make_roster):
    make_roster("cataract", 100, seed=4)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 10}, design="systematic")
    draw(client, round_id, seed=77)
    facts = _draw_facts(app)
    with app.app_context():
        frame = load_frame(program_by_code("cataract"))
        library = designs.systematic(frame.keys, 10, seed=facts.seed,
                                     sort_by=[sort_key(r) for r in frame.rows], n_reserves=2)
    units = _units(app, "cataract")
    assert {k for k, *_, order in units if order is None} == {u.key for u in library.units}
    assert {(p, w) for _, _, _, p, w, _ in units} == {(0.1, 10.0)}
    assert facts.design == "systematic" and facts.params["sort_by"] == ["town", "village"]


def test_a_pps_draw_takes_units_with_probability_proportional_to_the_amount(app, client,
                                                                           make_user, district):
    amounts = [str(100 + 50 * (i % 7)) for i in range(59)] + ["", "5000"]
    import_with_amounts(app, "cataract", amounts)
    make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 12}, design="pps")
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "1人没有发放金额，PPS抽样不会抽到他们" in page
    draw(client, round_id, seed=5)
    facts = _draw_facts(app)
    with app.app_context():
        frame = load_frame(program_by_code("cataract"))
        sizes = [r.size for r in frame.rows]
        pik = dict(zip(frame.keys, designs.inclusion_probabilities(sizes, 12), strict=True))
        library = designs.pps(frame.keys, sizes, 12, seed=facts.seed, n_reserves=3)
        no_amount = next(r.key for r in frame.rows if r.size == 0)
        largest = next(r.key for r in frame.rows if r.size == 5000)
    units = _units(app, "cataract")
    assert {k for k, *_, order in units if order is None} == {u.key for u in library.units}
    for key, _, _, p, w, _ in units:
        assert abs(p - pik[key]) < 1e-12 and abs(w - 1 / pik[key]) < 1e-9
    assert largest in {k for k, *_ in units} and pik[largest] == 1.0
    assert no_amount not in {k for k, *_ in units}
    assert facts.params["size_variable"] == "amount"


def test_the_draw_freezes_roster_fingerprints_design_seed_who_and_when(app, client, make_user,
                                                                      make_roster):
    make_roster("cataract", 40, seed=4)
    boss = make_user("admin", username="boss")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 8})
    shown = form_fields(client.get(f"/rounds/{round_id}").get_data(as_text=True), "/draw")
    again = form_fields(client.get(f"/rounds/{round_id}").get_data(as_text=True), "/draw")
    assert shown["seed"] != again["seed"]  # a fresh random seed each time; the admin may type one
    client.post(f"/rounds/{round_id}/draw", data=again)  # the seed as shown
    again = again["seed"]
    facts = _draw_facts(app)
    with app.app_context():
        frame = load_frame(program_by_code("cataract"))
        audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sample.draw"))
        assert facts.roster_fingerprint == frame.version.fingerprint
    assert facts.round_seed == int(again) and facts.drawn_by_id == boss.id
    assert facts.frame_fingerprint == designs.frame_fingerprint(frame.keys)
    assert facts.library_version == "1.0.0" and facts.design == "simple_random"
    assert facts.params["roster_version"] == 1 and facts.params["strata"]["all"] == {
        "population": 40, "sample_size": 8, "reserves": 2}
    assert audit.user_id == boss.id and audit.detail["seed"] == again
    page = client.get(f"/rounds/draws/{facts.id}").get_data(as_text=True)
    assert again in page and facts.frame_fingerprint in page and "第1版" in page


def test_a_sample_can_be_discarded_before_fieldwork_and_not_after(app, client, make_user,
                                                                 make_roster):
    make_roster("cataract", 40, seed=4)
    make_user("admin", username="boss")
    caller = make_user("surveyor", username="caller")
    client.login("boss")
    round_id = new_round(client, app, {"cataract": 8})
    draw(client, round_id, seed=1)
    url, page = f"/rounds/{round_id}/discard", f"/rounds/{round_id}"
    response = client.submit(url, {"reason": "名册导错了版本"}, page=page)
    assert "样本已作废" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleDraw)) == 0
        event = db.session.scalar(sa.select(AuditEvent).where(
            AuditEvent.action == "sample.discard"))
        assert event.detail["reason"] == "名册导错了版本"
        assert event.detail["draws"][0]["round_seed"] == "1"
    draw(client, round_id, seed=2)
    client.submit(f"/rounds/{round_id}/cases/auto", page=page)
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.assigned_to_id == caller.id))
        from survey.fieldwork.service import record_attempt

        record_attempt(case, db.session.get(User, caller.id), "3.13", "", case.mode)
    html = client.get(page).get_data(as_text=True)
    assert "调查中" in html and "不能重新抽样" in html and "作废样本" not in html
    response = client.submit(url, {"reason": "再抽一次"}, page=page)
    assert "样本不能重新抽取" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleDraw)) == 1
