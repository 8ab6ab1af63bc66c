"""Rubrics through the extension API: the nested structure, ids, validation with the offending
element named by its place, versioning when a used rubric changes, listing, soft delete."""

from __future__ import annotations

import copy

import pytest

from tests.grading.builders import (
    ANSWERS_21,
    answer,
    choice,
    choices_rubric,
    create_grade,
    create_rubric,
    grade_body,
    linear,
    ok,
    opt,
    refused,
    section,
    thirty_five_points,
    weighted_example,
    world,
)


def _ids(rubric):
    return [
        (s["id"], [(c["id"], [o["id"] for o in c["options"]]) for c in s["criteria"]])
        for s in rubric["sections"]
    ]


def test_create_keeps_given_ids_generates_the_others_and_reads_back(api):
    body = choices_rubric()
    body["sections"][0]["criteria"][1]["options"][3].pop("id")  # "other" gets a generated id
    del body["sections"][1]["id"]
    body["description"] = "For chats"
    rubric = create_rubric(api, body)
    assert len(rubric["id"]) == 17
    assert rubric["name"] == "Chat QA" and rubric["description"] == "For chats"
    assert (rubric["version"], rubric["currentVersion"]) == (1, 1)
    assert rubric["active"] is True and rubric["weighted"] is False
    assert [v["version"] for v in rubric["versions"]] == [1]
    assert rubric["versions"][0]["inUse"] is False
    main, extra, compliance = rubric["sections"]
    assert main["id"] == "main" and len(extra["id"]) == 17 and compliance["id"] == "compliance"
    greet, steps = main["criteria"]
    assert greet == {
        "id": "greet",
        "text": "Question greet",
        "description": "",
        "kind": "multiple_choice",
        "minPoints": 0,
        "maxPoints": 5,  # the highest option's points
        "required": True,
        "feedbackMode": "per_option",
        "options": [
            {
                "id": "greet-yes",
                "label": "Option greet-yes",
                "points": 5,
                "autoFail": False,
                "feedback": "no_change",
                "feedbackOptions": [],
            },
            {
                "id": "greet-no",
                "label": "Option greet-no",
                "points": 0,
                "autoFail": False,
                "feedback": "require",
                "feedbackOptions": [
                    {"id": "fb-name", "label": "Use the customer's name"},
                    {"id": "fb-hello", "label": "Say hello"},
                ],
            },
        ],
        "feedbackOptions": [],
    }
    assert steps["maxPoints"] == 5  # checkbox: the sum of the options' points
    assert steps["options"][3]["points"] is None and len(steps["options"][3]["id"]) == 17
    assert steps["feedbackOptions"] == [{"id": "fb-doc", "label": "Link the docs"}]
    assert compliance["kind"] == "auto_fail"
    assert compliance["criteria"][0]["options"][1]["autoFail"] is True
    assert ok(api.get(api.ext + f"/rubrics/{rubric['id']}")) == rubric


def _bad(body, path, value):
    """`body` with the value at `path` (a list of keys and indexes) replaced."""
    out = copy.deepcopy(body)
    target = out
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


BASE = {
    "name": "R",
    "sections": [
        section("s0", linear("c0", 10)),
        section("s1", choice("c1", opt("o0", 0), opt("o1", 2), opt("o2", 4))),
    ],
}
WEIGHTED = {**BASE, "weighted": True, "sections": [{**s, "weight": 50} for s in BASE["sections"]]}


@pytest.mark.parametrize(
    ("body", "param", "why"),
    [
        # option points within the criterion's points
        (
            _bad(BASE, ["sections", 1, "criteria", 0, "maxPoints"], 3),
            "sections[1].criteria[0].options[2].points",
            "within the criterion's points",
        ),
        (
            _bad(BASE, ["sections", 1, "criteria", 0, "options", 2, "points"], -1),
            "sections[1].criteria[0].options[2].points",
            "greater than or equal to 0",
        ),
        (
            _bad(BASE, ["sections", 0, "criteria", 0, "minPoints"], 11),
            "sections[0].criteria[0].minPoints",
            "<= max_points",
        ),
        (
            _bad(BASE, ["sections", 0, "criteria", 0, "maxPoints"], KeyError),
            "sections[0].criteria[0].maxPoints",
            "required for a linear scale",
        ),
        (
            _bad(BASE, ["sections", 0, "criteria", 0, "options"], [opt("x", 1)]),
            "sections[0].criteria[0].options",
            "no options",
        ),
        (
            _bad(BASE, ["sections", 1, "criteria", 0, "options"], []),
            "sections[1].criteria[0].options",
            "needs options",
        ),
        (
            _bad(BASE, ["sections", 1, "criteria", 0, "kind"], "essay"),
            "sections[1].criteria[0].kind",
            "multiple_choice",
        ),
        (_bad(WEIGHTED, ["sections", 1, "weight"], 40), "sections", "add up to 100"),
        (_bad(WEIGHTED, ["sections", 1, "weight"], KeyError), "sections[1].weight", "weight"),
        (
            _bad(BASE, ["sections", 1, "criteria", 0, "id"], "c0"),
            "sections[1].criteria[0].id",
            "duplicate criterion id 'c0'",
        ),
        (_bad(BASE, ["sections", 1, "id"], "s0"), "sections[1].id", "duplicate section id"),
        (
            _bad(BASE, ["sections", 1, "criteria", 0, "options", 1, "id"], "o0"),
            "sections[1].criteria[0].options[1].id",
            "duplicate option id",
        ),
        (_bad(BASE, ["sections", 0, "id"], "has space"), "sections[0].id", "pattern"),
        (_bad(BASE, ["sections", 0, "id"], "x" * 18), "sections[0].id", "at most 17"),
        (_bad(BASE, ["sections", 1, "kind"], "auto_fail"), "sections[1].criteria[0]", "auto-fail"),
        (
            _bad(BASE, ["sections", 1, "criteria", 0, "feedbackMode"], "general"),
            "sections[1].criteria[0].feedbackOptions",
            "at least one feedback option",
        ),
        (
            _bad(BASE, ["sections", 0, "criteria", 0, "feedbackMode"], "per_option"),
            "sections[0].criteria[0].feedbackMode",
            "multiple choice and dropdown",
        ),
        (
            _bad(BASE, ["sections", 1, "criteria", 0, "options", 0, "feedback"], "require"),
            "sections[1].criteria[0].options[0].feedback",
            "feedbackMode per_option",
        ),
        (
            _bad(BASE, ["sections", 0, "criteria", 0, "maxPoints"], float("1e300")),
            "sections[0].criteria[0].maxPoints",
            "less than or equal",
        ),
        (
            _bad(BASE, ["sections", 0, "criteria", 0, "required"], "yes"),
            "sections[0].criteria[0].required",
            "valid boolean",
        ),
        (_bad(BASE, ["sections"], []), "sections", "at least 1"),
        (_bad(BASE, ["sections", 0, "criteria"], []), "sections[0].criteria", "at least 1"),
        (_bad(BASE, ["name"], "  "), "name", "must not be empty"),
        (_bad(BASE, ["name"], KeyError), "name", "required"),
    ],
)
def test_invalid_rubrics_are_422_naming_the_element(api, body, param, why):
    r = api.post(api.ext + "/rubrics", json=body)
    message = refused(r, 422, param)["message"]
    assert why in message, message


def test_per_option_feedback_rules(api):
    per_option = copy.deepcopy(BASE)
    c = per_option["sections"][1]["criteria"][0]
    c["feedbackMode"] = "per_option"
    c["options"][0]["feedback"] = "show"
    r = api.post(api.ext + "/rubrics", json=per_option)
    refused(r, 422, "sections[1].criteria[0].options[0].feedbackOptions")
    c["options"][0]["feedbackOptions"] = [{"label": "Smile"}]
    c["feedbackOptions"] = [{"label": "General"}]
    r = api.post(api.ext + "/rubrics", json=per_option)
    refused(r, 422, "sections[1].criteria[0].feedbackOptions")
    del c["feedbackOptions"]
    rubric = create_rubric(api, per_option)
    assert rubric["sections"][1]["criteria"][0]["options"][0]["feedbackOptions"][0]["label"] == (
        "Smile"
    )


def test_weighted_rubric_weights_and_bonus_weights(api):
    rubric = create_rubric(api, weighted_example())
    assert rubric["weighted"] is True
    assert [s["weight"] for s in rubric["sections"]] == [10, 30, 50, 10]
    body = weighted_example()
    body["bonusWeighted"] = True
    body["sections"].append(section("bonus", linear("wow", 5), kind="bonus"))
    refused(api.post(api.ext + "/rubrics", json=body), 422, "sections[4].weight")
    body["sections"][4]["weight"] = 20
    assert create_rubric(api, body)["bonusWeighted"] is True


# --- updates and versions -----------------------------------------------------------------------


def test_an_unused_rubric_is_updated_in_place(api):
    rubric = create_rubric(api, thirty_five_points())
    body = thirty_five_points()
    body["sections"][0]["criteria"][0]["maxPoints"] = 20
    saved = ok(api.put(api.ext + f"/rubrics/{rubric['id']}", json=body))
    assert (saved["version"], saved["versionCreated"], saved["versionChanges"]) == (1, False, [])
    assert saved["sections"][0]["criteria"][0]["maxPoints"] == 20
    assert [v["version"] for v in saved["versions"]] == [1]


def test_a_scoring_change_to_a_used_rubric_makes_version_2(api):
    w = world(api)
    rubric = create_rubric(api, thirty_five_points())
    old = create_grade(api, **grade_body(w, rubric, ANSWERS_21))
    assert ok(api.get(api.ext + f"/rubrics/{rubric['id']}"))["versions"][0]["inUse"] is True

    body = thirty_five_points()
    body["sections"][0]["criteria"][0]["maxPoints"] = 20  # g1: 10 -> 20 points
    saved = ok(api.patch(api.ext + f"/rubrics/{rubric['id']}", json={"sections": body["sections"]}))
    assert saved["versionCreated"] is True
    assert saved["version"] == saved["currentVersion"] == 2
    assert saved["versionChanges"] == ['changed the points of criterion "Question g1"']
    assert [(v["version"], v["inUse"]) for v in saved["versions"]] == [(1, True), (2, False)]
    assert _ids(saved) == _ids(rubric)  # ids are stable across versions

    # the old grade keeps version 1 and its scores
    kept = ok(api.get(api.ext + f"/grades/{old['id']}"))
    assert kept["rubricVersion"] == 1 and kept["rubricScore"] == 60
    assert answer(kept, "g1")["maxPoints"] == 10
    # and can still be edited against version 1
    edited = ok(
        api.patch(api.ext + f"/grades/{old['id']}", json={"answers": {"g1": {"value": 10}}})
    )
    assert edited["rubricVersion"] == 1 and edited["maxRubricScore"] == 35
    # version 1 can still be read
    v1 = ok(api.get(api.ext + f"/rubrics/{rubric['id']}", params={"version": 1}))
    assert v1["version"] == 1 and v1["sections"][0]["criteria"][0]["maxPoints"] == 10
    assert api.get(api.ext + f"/rubrics/{rubric['id']}", params={"version": 3}).status_code == 404
    # new grades use version 2
    new = create_grade(api, **grade_body(w, rubric, ANSWERS_21))
    assert new["rubricVersion"] == 2 and new["maxRubricScore"] == 45
    assert new["rubricScore"] == pytest.approx(100 * 21 / 45)


def test_a_wording_change_to_a_used_rubric_stays_in_place_and_labels_are_kept(api):
    w = world(api)
    body = choices_rubric()
    rubric = create_rubric(api, body)
    answers = {
        "greet": {"optionIds": ["greet-yes"]},
        "steps": {"optionIds": ["verified"]},
        "wow": {"na": True},
        "pw": {"optionIds": ["pw-no"]},
    }
    grade = create_grade(api, **grade_body(w, rubric, answers))
    body["name"] = "Chat QA 2026"
    greet = body["sections"][0]["criteria"][0]
    greet["text"] = "Did the agent greet the customer?"
    greet["options"][0]["label"] = "Yes, warmly"
    greet["kind"] = "dropdown"  # scores like multiple choice
    body["sections"][0]["criteria"][1]["options"].append(opt("emoji", None))  # non-scoring
    body["sections"][0]["criteria"][1]["feedbackOptions"].append({"label": "Be concise"})
    saved = ok(api.put(api.ext + f"/rubrics/{rubric['id']}", json=body))
    assert (saved["versionCreated"], saved["version"], saved["name"]) == (False, 1, "Chat QA 2026")
    read = ok(api.get(api.ext + f"/grades/{grade['id']}"))
    assert read["rubricName"] == "Chat QA 2026"
    assert answer(read, "greet")["text"] == "Did the agent greet the customer?"
    assert answer(read, "greet")["answerLabel"] == "Option greet-yes"  # as the grader saw it


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            lambda b: b["sections"][0]["criteria"][0]["options"][0].update(points=4),
            'changed the points of option "Option greet-yes"',
        ),
        (
            lambda b: b["sections"][0]["criteria"][1]["options"].pop(2),
            'deleted option "Option linked"',
        ),
        (
            lambda b: b["sections"][0]["criteria"][1]["options"].append(opt("new", 1)),
            'added option "Option new" with points',
        ),
        (
            lambda b: b["sections"][0]["criteria"][0]["options"][1].update(autoFail=True),
            'made option "Option greet-no" auto-fail',
        ),
        (lambda b: b["sections"].pop(1), 'deleted section "Section extra"'),
        (
            lambda b: b["sections"].append(section("more", linear("m", 1), kind="bonus")),
            'added bonus section "Section more"',
        ),
        (
            lambda b: b["sections"][0].update(defaultAnswer="max"),
            'changed the default answer of section "Section main"',
        ),
        (
            lambda b: b["sections"][1].update(kind="standard"),
            'changed the type of section "Section extra"',
        ),
        (
            lambda b: b["sections"][0]["criteria"][1].update(kind="multiple_choice"),
            'changed the kind of criterion "Question steps"',
        ),
        (
            lambda b: b["sections"][0]["criteria"][1].update(required=False),
            'changed whether criterion "Question steps" is required',
        ),
        (
            lambda b: b["sections"][0]["criteria"][0]["options"][1]["feedbackOptions"].pop(),
            'deleted feedback option "Say hello"',
        ),
    ],
)
def test_each_versioning_change(api, change, why):
    w = world(api)
    body = choices_rubric()
    rubric = create_rubric(api, body)
    answers = {
        "greet": {"optionIds": ["greet-yes"]},
        "steps": {"optionIds": ["verified"]},
        "wow": {"na": True},
        "pw": {"optionIds": ["pw-no"]},
    }
    create_grade(api, **grade_body(w, rubric, answers))
    change(body)
    saved = ok(api.put(api.ext + f"/rubrics/{rubric['id']}", json=body))
    assert saved["versionCreated"] is True and saved["version"] == 2
    assert why in saved["versionChanges"]


def test_weights_of_a_used_weighted_rubric(api):
    w = world(api)
    rubric = create_rubric(api, weighted_example())
    create_grade(
        api,
        **grade_body(
            w,
            rubric,
            {"a1": {"value": 3}, "b1": {"value": 5}, "c1": {"value": 4}, "d1": {"value": 1}},
        ),
    )
    body = weighted_example()
    body["sections"][0]["weight"], body["sections"][1]["weight"] = 20, 20
    saved = ok(api.put(api.ext + f"/rubrics/{rubric['id']}", json=body))
    assert saved["versionChanges"] == [
        'changed the weight of section "Section a"',
        'changed the weight of section "Section b"',
    ]
    # a PATCH of settings alone keeps the version
    renamed = ok(api.patch(api.ext + f"/rubrics/{rubric['id']}", json={"name": "Renamed"}))
    assert (renamed["versionCreated"], renamed["version"], renamed["name"]) == (False, 2, "Renamed")
    # turning weighting off changes the scores: a new version once version 2 is used
    create_grade(
        api,
        **grade_body(
            w,
            rubric,
            {"a1": {"value": 3}, "b1": {"value": 5}, "c1": {"value": 4}, "d1": {"value": 1}},
        ),
    )
    off = ok(api.patch(api.ext + f"/rubrics/{rubric['id']}", json={"weighted": False}))
    assert off["version"] == 3 and off["versionChanges"] == ["changed custom weighted sections"]
    # an invalid change made with PATCH is named like on create
    r = api.patch(
        api.ext + f"/rubrics/{rubric['id']}",
        json={"weighted": True, "sections": [section("a", linear("a1", 3), weight=10)]},
    )
    refused(r, 422, "sections")


def test_a_deleted_grade_no_longer_holds_its_version(api):
    w = world(api)
    rubric = create_rubric(api, thirty_five_points())
    grade = create_grade(api, **grade_body(w, rubric, ANSWERS_21))
    ok(api.delete(api.ext + f"/grades/{grade['id']}"))
    body = thirty_five_points()
    body["sections"][0]["criteria"][0]["maxPoints"] = 20
    saved = ok(api.put(api.ext + f"/rubrics/{rubric['id']}", json=body))
    assert (saved["versionCreated"], saved["version"]) == (False, 1)


def test_elements_sent_without_ids_are_new(api):
    w = world(api)
    rubric = create_rubric(api, thirty_five_points())
    create_grade(api, **grade_body(w, rubric, ANSWERS_21))
    body = ok(api.get(api.ext + f"/rubrics/{rubric['id']}"))
    del body["sections"][2]["criteria"][0]["id"]
    saved = ok(api.put(api.ext + f"/rubrics/{rubric['id']}", json=body))
    assert 'deleted criterion "Question p1"' in saved["versionChanges"]
    assert 'added scoring criterion "Question p1"' in saved["versionChanges"]
    new_id = saved["sections"][2]["criteria"][0]["id"]
    assert new_id != "p1" and len(new_id) == 17


def test_update_refusals(api):
    rubric = create_rubric(api, thirty_five_points())
    path = api.ext + f"/rubrics/{rubric['id']}"
    refused(api.patch(path, json={"name": None}), 422, "name")
    refused(api.patch(path, json={"active": "no"}), 422, "active")
    refused(api.put(path, json={"name": "only a name"}), 422, "sections")
    assert api.patch(api.ext + "/rubrics/nosuchrubric", json={}).status_code == 404
    assert api.patch(api.ext + "/rubrics/" + "x" * 40, json={}).status_code == 404


# --- list, delete -------------------------------------------------------------------------------


def test_list_pages_filters_and_soft_delete(api):
    made = [create_rubric(api, {**thirty_five_points(), "name": f"R{i}"}) for i in range(5)]
    ok(api.patch(api.ext + f"/rubrics/{made[1]['id']}", json={"active": False}))
    ok(api.delete(api.ext + f"/rubrics/{made[2]['id']}"))

    page = ok(api.get(api.ext + "/rubrics", params={"count": 2}))
    assert (page["totalResults"], page["itemsPerPage"], page["startIndex"]) == (4, 2, 0)
    everyone = ok(api.get(api.ext + "/rubrics"))["Resources"]
    ids = [r["id"] for r in everyone]
    assert ids == sorted(ids) and made[2]["id"] not in ids
    assert "sections" not in everyone[0]
    second = ok(api.get(api.ext + "/rubrics", params={"count": 2, "startIndex": 2}))
    assert [r["id"] for r in page["Resources"] + second["Resources"]] == ids
    active = ok(api.get(api.ext + "/rubrics", params={"active": "false"}))["Resources"]
    assert [r["id"] for r in active] == [made[1]["id"]]
    with_deleted = ok(api.get(api.ext + "/rubrics", params={"includeDeleted": "true"}))
    assert with_deleted["totalResults"] == 5

    path = api.ext + f"/rubrics/{made[2]['id']}"
    assert api.get(path).status_code == 404
    assert api.delete(path).status_code == 404
    deleted = ok(api.get(path, params={"includeDeleted": "true"}))
    assert deleted["deletedAt"] is not None
    refused(api.get(api.ext + "/rubrics", params={"count": -1}), 422, "count")
    refused(api.get(path, params={"version": 0}), 422, "version")
