"""The demo's performance dialogues (PermenPANRB 6/2022 Pasal 18–19) along its SKP chains."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.models import Employee, Position
from app.models.dialogue import PerformanceDialogue
from app.services.activity import last_working_days, today
# The same filling and scheduling helpers as recording a dialogue, so that the demo's rows are what a recorded
# dialogue would be.
from app.services.dialogue import DialogueContent, _fill, _refresh_schedule, cadence_of, evaluator_of, results_of


# (position of the employee, working days before today it was held, the employee's response or None, what
# goes well, what to improve, the topic on their first RHK, an agreed action and its working days to do it).
DEMO_DIALOGUES = (
    ("DISDIKBUD-KASI-SD-KUR", 40, ("acknowledged", "Siap, pedoman saya selesaikan bulan ini."),
     "Draf pedoman penilaian sudah dibahas dengan kelompok kerja guru.",
     "Jadwal uji coba pedoman di sekolah belum ditetapkan.",
     "Progres pedoman penilaian hasil belajar: draf kedua", "Tetapkan jadwal uji coba di tiga SD", 10),
    ("DISDIKBUD-KASI-SD-KUR", 12, None,
     "Uji coba pedoman berjalan di tiga SD sesuai jadwal.",
     "Laporan pendampingan belum dilengkapi foto dan daftar hadir.",
     "Pendampingan implementasi kurikulum: 14 dari 24 SD", "Lengkapi bukti dukung pendampingan", 5),
    ("DINKES-KABID-KESMAS", 30, ("acknowledged", None),
     "Cakupan kunjungan posyandu naik dibanding triwulan lalu.",
     "Data balita dari dua puskesmas terlambat masuk.",
     "Cakupan pemantauan pertumbuhan balita", "Rapat koordinasi dengan kepala puskesmas", 8),
    ("DINKES-KASI-KGIZI", 25, ("disagreed", "Keterlambatan karena stok PMT dari provinsi belum datang, "
                                             "bukan karena pelaksanaan di lapangan."),
     "Konseling gizi di posyandu berjalan rutin.",
     "Distribusi PMT balita gizi kurang terlambat dua minggu.",
     "Penanganan balita gizi kurang", "Susun jadwal distribusi PMT bersama puskesmas", 10),
)


def load_demo_dialogues() -> int:
    """A few realistic dialogues of the demo's SKP chains (Disdikbud and Dinkes): held some weeks ago, one still
    awaiting the employee's response, one acknowledged with a disagreement. Idempotent: an employee who has a
    dialogue already is left alone. Returns the dialogues added."""
    added = 0
    had_dialogues = set(db.session.scalars(select(PerformanceDialogue.employee_id).distinct()))
    for code, days_ago, response, went_well, to_improve, topic, action, action_days in DEMO_DIALOGUES:
        employee = db.session.scalar(select(Employee).join(Position, Employee.position_id == Position.id)
                                     .where(Position.code == code, Employee.active.is_(True)))
        evaluator_id = evaluator_of(employee) if employee is not None else None
        if employee is None or evaluator_id is None or employee.id in had_dialogues:
            continue
        held_on = last_working_days(days_ago + 1, today())[0]
        due = last_working_days(max(days_ago - action_days, 0) + 1, today())[0]
        results = results_of(employee)
        dialogue = PerformanceDialogue(employee_id=employee.id, agency_id=employee.agency_id,
                                       evaluator_id=evaluator_id, status="recorded")
        _fill(dialogue, employee, DialogueContent(
            held_on=held_on, next_due_on=None, went_well=went_well, to_improve=to_improve,
            topics=({"work_result_id": results[0].id if results else None, "text": topic},),
            actions=({"text": action, "due_on": due},)), cadence_of(employee))
        if response is not None:
            dialogue.status, dialogue.employee_note = response
            dialogue.responded_at = dt.datetime.combine(held_on + dt.timedelta(days=1), dt.time(1, 30))
        db.session.add(dialogue)
        _refresh_schedule(employee, evaluator_id)
        added += 1
    db.session.commit()
    return added
