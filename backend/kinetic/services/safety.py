"""Advice that follows a pain entry. The red-flag codes come from the articles on
neck flexion (004) and on headaches (003); the full rule set arrives with alerts."""

from kinetic.models import PainEntry

RED_FLAGS = {
    "bladder_bowel_change": "a change in bladder or bowel control",
    "saddle_numbness": "numbness between the legs or around the buttocks",
    "progressive_leg_weakness": "new or worsening weakness in a leg",
    "fever_or_weight_loss": "fever or unexplained weight loss with back pain",
    "sudden_severe_headache": "a sudden, severe headache",
    "headache_worse_upright": "a headache that is much worse when upright",
    "stiff_neck_with_fever": "a stiff neck with fever",
}

URGENT = (
    "Seek urgent medical care now (an emergency department, or your local "
    "emergency number). You reported {signs}. These signs need a doctor today; "
    "do not wait for your next appointment and stop your exercises until you have "
    "been seen."
)
HIGH_PAIN = (
    "Your pain is high today. Do only the gentlest parts of your session, or rest, "
    "and tell your therapist if it stays this high for more than a day or two."
)


def advice_for(entry: PainEntry) -> list[dict]:
    advice = []
    if entry.red_flags:
        signs = ", ".join(RED_FLAGS[code] for code in entry.red_flags)
        advice.append(
            {"level": "urgent", "code": "red_flag", "text": URGENT.format(signs=signs)}
        )
    scores = [s for s in (entry.low_back, entry.neck, entry.headache) if s is not None]
    if scores and max(scores) >= 8:
        advice.append({"level": "caution", "code": "high_pain", "text": HIGH_PAIN})
    return advice
