"""Questionnaires in the FHIR bundle: a QuestionnaireResponse per answer, with the
questionnaire as it was asked contained in it, and an Observation of its score
derived from it.

A score is coded in LOINC where LOINC has a code for that instrument's score
(and the contained questionnaire, and each of its items, where LOINC has those),
and always with a local code: the system is this server's list of instruments
(`<server>/api/v1/questionnaires`) and the code the instrument's slug, so the
code resolves to the instrument's definition at `<system>/<slug>`."""

from kinetic.services import outcomes, questionnaires
from kinetic.services.fhir_context import LOINC, SURVEY, FhirContext

# LOINC codes come from the instrument's file (its `loinc` block and each item's
# `loinc`, with their sources there): PEG-3 has its panel, score and item codes.
# No LOINC code was found for the PGIC as worded here, nor can one exist for the
# therapist-written function goals: those carry the local code alone.
SCORE_UNIT = {
    "system": "http://unitsofmeasure.org",
    "code": "{score}",
    "unit": "{score}",
}


def _local_system(ctx: FhirContext) -> str:
    return f"{ctx.public_url}/api/v1/questionnaires"


def _coding(loinc: dict) -> dict:
    return {"system": LOINC, "code": loinc["code"], "display": loinc["display"]}


def _question(item: dict, asked: dict, system: str) -> dict:
    """One question of the contained Questionnaire: a 0-n scale as an integer,
    a list of answers as a choice; with its LOINC code where it has one."""
    question = {"linkId": asked["code"], "text": asked["text"], "required": True}
    if "loinc" in item:
        question["code"] = [{"system": LOINC, "code": item["loinc"]}]
    if "options" not in item:
        return {**question, "type": "integer"}
    return {
        **question,
        "type": "choice",
        "answerOption": [{"valueCoding": _option(o, system)} for o in item["options"]],
    }


def _option(option: dict, system: str) -> dict:
    return {"system": system, "code": str(option["value"]), "display": option["label"]}


def _contained(schedule, row: dict, ctx: FhirContext) -> dict:
    content = schedule.questionnaire.content
    slug = schedule.questionnaire.slug
    items = {i["code"]: i for i in questionnaires.items_of(content, schedule.goals)}
    scale = content.get("goals") or {}
    system = f"{_local_system(ctx)}/{slug}"
    questionnaire = {
        "resourceType": "Questionnaire",
        "id": "questionnaire",
        "url": system,
        "title": content["title"],
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            _question(items.get(a["code"], scale), a, system) for a in row["items"]
        ],
    }
    if "loinc" in content:
        questionnaire["code"] = [_coding(content["loinc"]["panel"])]
    return questionnaire


def _answer(question: dict, value: int) -> dict:
    if question["type"] == "choice":
        chosen = [o["valueCoding"] for o in question["answerOption"]]
        coding = next((c for c in chosen if c["code"] == str(value)), None)
        if coding:
            return {"valueCoding": coding}
    return {"valueInteger": value}


def _response(schedule, row: dict, ctx: FhirContext) -> dict:
    questionnaire = _contained(schedule, row, ctx)
    answers = row["answers"]
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"questionnaire-response-{row['id']}",
        "contained": [questionnaire],
        "questionnaire": "#questionnaire",
        "status": "completed",
        "subject": ctx.patient_ref,
        "authored": row["answered_at"].isoformat(),
        "author": ctx.patient_ref,
        "source": ctx.patient_ref,
        "item": [
            {
                "linkId": q["linkId"],
                "text": q["text"],
                "answer": [_answer(q, answers[q["linkId"]])],
            }
            for q in questionnaire["item"]
        ],
    }


def _change_note(row: dict, content: dict) -> str | None:
    if row["baseline"] and content["minimal_important_change"]["type"] != "rating":
        return "Baseline for the change from baseline."
    if row["meaningful"] is None:
        return None
    passed = "reached" if row["meaningful"] else "not reached"
    if row["change_from_baseline"] is None:
        return f"Minimal important change {passed}."
    change = f"{row['change_from_baseline']:+g}"
    return f"Change from baseline {change}: minimal important change {passed}."


def _score(schedule, row: dict, ctx: FhirContext) -> dict:
    content = schedule.questionnaire.content
    slug = schedule.questionnaire.slug
    text = f"{content['title']} score"
    local = {"system": _local_system(ctx), "code": slug, "display": text}
    score = (content.get("loinc") or {}).get("score")
    observation = {
        "resourceType": "Observation",
        "id": f"questionnaire-score-{row['id']}",
        "status": "final",
        "category": [SURVEY],
        "code": {
            "coding": [_coding(score), local] if score else [local],
            "text": text,
        },
        "subject": ctx.patient_ref,
        "effectiveDateTime": row["answered_at"].isoformat(),
        "performer": [ctx.patient_ref],
        "valueQuantity": {"value": row["score"], **SCORE_UNIT},
        "derivedFrom": [{"reference": ctx.urn("QuestionnaireResponse", row["id"])}],
    }
    if row["band"]:
        observation["interpretation"] = [{"text": row["band"]}]
    if note := _change_note(row, content):
        observation["note"] = [{"text": note}]
    return observation


def questionnaire_resources(ctx: FhirContext) -> list[tuple[str, dict]]:
    out = []
    for schedule in questionnaires.schedules_of(ctx.patient):
        for row in outcomes.scored(schedule):
            out.append(
                (
                    ctx.urn("QuestionnaireResponse", row["id"]),
                    _response(schedule, row, ctx),
                )
            )
            out.append(
                (
                    ctx.urn("Observation", f"score/{row['id']}"),
                    _score(schedule, row, ctx),
                )
            )
    return out
