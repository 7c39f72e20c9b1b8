"""Build seeds/demo/tanjung_selor.json from the hand-curated tables below.

Standalone and deterministic (stdlib only, no randomness: every derived
value comes from a SHA-256 of the position code), so running it again
reproduces the JSON byte for byte:

    python3 seeds/build_demo.py           # write the JSON
    python3 seeds/build_demo.py --check   # exit 1 if the JSON differs

What is curated by hand: agencies, units, the position tree, each holder's
name (with academic titles), sex and rank. What is derived: birth date and
TMT CPNS (plausible for the rank), NIP / NI PPPK (RULES §1), e-mail and
phone number. All people are fictitious; any likeness is coincidental.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "demo" / "tanjung_selor.json"
EMAIL_DOMAIN = "bulungankab.go.id"
CURRENT_YEAR = 2026  # "today" of the demo is 2026-11-29; no TMT after 2025

# Years of service (from TMT CPNS) and age at TMT CPNS, per PNS rank code.
PNS_CAREER = {
    "23": ((1, 6), (20, 26)),
    "24": ((8, 20), (19, 25)),
    "31": ((1, 5), (23, 30)),
    "32": ((4, 12), (23, 29)),
    "33": ((9, 18), (23, 28)),
    "34": ((12, 22), (23, 28)),
    "41": ((16, 26), (23, 28)),
    "42": ((20, 29), (23, 28)),
    "43": ((24, 32), (23, 27)),
}
# Age at first PPPK appointment, per PPPK golongan (V: SMA, VII: D-III, IX: S1/D-IV).
PPPK_AGE = {"PPPK-V": (21, 40), "PPPK-VII": (22, 38), "PPPK-IX": (24, 40)}
TMT_MONTHS = (1, 2, 3, 4, 6, 12)
PHONE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0852", "0853")
LEADING_TITLES = {"Dr.", "dr.", "drg.", "Drs.", "Dra.", "H.", "Hj.", "Ir.", "apt."}


def unit(code, name, kind, serves_public=False, children=()):
    return {"code": code, "name": name, "kind": kind, "serves_public": serves_public,
            "children": list(children)}


# Position rows: (code suffix, position name, kind, unit suffix, parent suffix,
#                 rank, holder's name, sex). One holder per position.
AGENCIES = [
    {
        "code": "DISDIKBUD",
        "name": "Dinas Pendidikan dan Kebudayaan",
        "short_name": "Disdikbud",
        "kind": "DINAS",
        "address": "Jl. Sengkawit, Tanjung Selor",
        "units": [
            unit("SEK", "Sekretariat", "SEKRETARIAT", children=[
                unit("SEK-UMPEG", "Subbagian Umum dan Kepegawaian", "SUBBAGIAN"),
                unit("SEK-PK", "Subbagian Perencanaan dan Keuangan", "SUBBAGIAN"),
            ]),
            unit("BID-SD", "Bidang Pembinaan Sekolah Dasar", "BIDANG", children=[
                unit("BID-SD-KUR", "Seksi Kurikulum dan Penilaian Sekolah Dasar", "SEKSI"),
                unit("BID-SD-SARPRAS", "Seksi Kelembagaan dan Sarana Prasarana Sekolah Dasar", "SEKSI"),
                unit("SDN001", "SD Negeri 001 Tanjung Selor", "SEKOLAH", True),
                unit("SDN002", "SD Negeri 002 Tanjung Selor", "SEKOLAH", True),
            ]),
            unit("BID-SMP", "Bidang Pembinaan Sekolah Menengah Pertama", "BIDANG", children=[
                unit("BID-SMP-KUR", "Seksi Kurikulum dan Penilaian Sekolah Menengah Pertama", "SEKSI"),
                unit("BID-SMP-PD", "Seksi Peserta Didik dan Pembangunan Karakter", "SEKSI"),
                unit("SMPN1", "SMP Negeri 1 Tanjung Selor", "SEKOLAH", True),
            ]),
            unit("BID-GTK", "Bidang Guru dan Tenaga Kependidikan", "BIDANG", children=[
                unit("BID-GTK-PTK", "Seksi Pendidik dan Tenaga Kependidikan", "SEKSI"),
            ]),
            unit("BID-BUD", "Bidang Kebudayaan", "BIDANG", children=[
                unit("BID-BUD-CAGAR", "Seksi Cagar Budaya dan Sejarah", "SEKSI"),
                unit("BID-BUD-SENI", "Seksi Kesenian dan Tradisi", "SEKSI"),
            ]),
        ],
        "positions": [
            ("KADIS", "Kepala Dinas Pendidikan dan Kebudayaan", "JPT_PRATAMA", "SEK", None,
             "43", "Dr. H. Andi Rahman, S.Pd., M.Pd.", "M"),
            ("SEKDIS", "Sekretaris Dinas Pendidikan dan Kebudayaan", "ADMINISTRATOR", "SEK", "KADIS",
             "42", "Hj. Siti Rahmah, S.E., M.Si.", "F"),
            ("KASUBAG-UMPEG", "Kepala Subbagian Umum dan Kepegawaian", "PENGAWAS", "SEK-UMPEG", "SEKDIS",
             "34", "Yohanes Lahang, S.Sos.", "M"),
            ("UMPEG-PRAKOM", "Pranata Komputer Ahli Pertama", "AHLI_PERTAMA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "32", "Rizky Ananda Putra, S.Kom.", "M"),
            ("UMPEG-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "23", "Nurul Hidayah", "F"),
            ("UMPEG-PLO", "Penata Layanan Operasional", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "PPPK-VII", "Dayang Norhasanah, A.Md.", "F"),
            ("KASUBAG-PK", "Kepala Subbagian Perencanaan dan Keuangan", "PENGAWAS", "SEK-PK", "SEKDIS",
             "33", "Muhammad Ramli, S.E.", "M"),
            ("PK-PERENCANA", "Perencana Ahli Pertama", "AHLI_PERTAMA", "SEK-PK", "KASUBAG-PK",
             "31", "Andi Nurfadillah, S.T.", "F"),
            ("PK-AKPD", "Analis Keuangan Pusat dan Daerah Ahli Pertama", "AHLI_PERTAMA", "SEK-PK", "KASUBAG-PK",
             "32", "Ahmad Fauzan, S.Ak.", "M"),
            ("PK-PDI", "Pengolah Data dan Informasi", "PELAKSANA", "SEK-PK", "KASUBAG-PK",
             "24", "Lusia Ubung, A.Md.", "F"),
            ("KABID-SD", "Kepala Bidang Pembinaan Sekolah Dasar", "ADMINISTRATOR", "BID-SD", "KADIS",
             "41", "Drs. Paulus Lahai, M.Pd.", "M"),
            ("KASI-SD-KUR", "Kepala Seksi Kurikulum dan Penilaian Sekolah Dasar", "PENGAWAS", "BID-SD-KUR",
             "KABID-SD", "34", "Sri Wahyuni, S.Pd., M.Pd.", "F"),
            ("SD-KUR-PTK", "Penelaah Teknis Kebijakan", "PELAKSANA", "BID-SD-KUR", "KASI-SD-KUR",
             "32", "Arif Budiman, S.Pd.", "M"),
            ("SD-KUR-PDI", "Pengolah Data dan Informasi", "PELAKSANA", "BID-SD-KUR", "KASI-SD-KUR",
             "31", "Kristina Bulan, S.Kom.", "F"),
            ("SD-KUR-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "BID-SD-KUR", "KASI-SD-KUR",
             "PPPK-V", "Syahrani", "M"),
            ("KASI-SD-SARPRAS", "Kepala Seksi Kelembagaan dan Sarana Prasarana Sekolah Dasar", "PENGAWAS",
             "BID-SD-SARPRAS", "KABID-SD", "33", "Hasanuddin, S.T.", "M"),
            ("SD-SARPRAS-PLO", "Penata Layanan Operasional", "PELAKSANA", "BID-SD-SARPRAS", "KASI-SD-SARPRAS",
             "24", "Agustina Lenjau, A.Md.", "F"),
            ("KEPSEK-SDN001", "Kepala SD Negeri 001 Tanjung Selor", "AHLI_MADYA", "SDN001", "KABID-SD",
             "41", "Hj. Noor Aisyah, S.Pd., M.Pd.", "F"),
            ("SDN001-GURU1", "Guru Kelas Ahli Muda", "AHLI_MUDA", "SDN001", "KEPSEK-SDN001",
             "33", "Endang Sulistyowati, S.Pd.", "F"),
            ("SDN001-GURU2", "Guru Kelas Ahli Pertama", "AHLI_PERTAMA", "SDN001", "KEPSEK-SDN001",
             "PPPK-IX", "Yuliana Irang, S.Pd.", "F"),
            ("SDN001-GURU3", "Guru Pendidikan Agama Islam Ahli Pertama", "AHLI_PERTAMA", "SDN001",
             "KEPSEK-SDN001", "PPPK-IX", "Muhammad Syarifuddin, S.Pd.I.", "M"),
            ("KEPSEK-SDN002", "Kepala SD Negeri 002 Tanjung Selor", "AHLI_MUDA", "SDN002", "KABID-SD",
             "34", "Stefanus Ipong, S.Pd.", "M"),
            ("SDN002-GURU1", "Guru Kelas Ahli Pertama", "AHLI_PERTAMA", "SDN002", "KEPSEK-SDN002",
             "32", "Rahmawati, S.Pd.", "F"),
            ("SDN002-GURU2", "Guru Kelas Ahli Pertama", "AHLI_PERTAMA", "SDN002", "KEPSEK-SDN002",
             "PPPK-IX", "Dewi Kartika Sari, S.Pd.", "F"),
            ("KABID-SMP", "Kepala Bidang Pembinaan Sekolah Menengah Pertama", "ADMINISTRATOR", "BID-SMP",
             "KADIS", "42", "Drs. H. Syamsuddin, M.Si.", "M"),
            ("KASI-SMP-KUR", "Kepala Seksi Kurikulum dan Penilaian Sekolah Menengah Pertama", "PENGAWAS",
             "BID-SMP-KUR", "KABID-SMP", "34", "Marthen Aran, S.Pd., M.Pd.", "M"),
            ("SMP-KUR-PTK", "Penelaah Teknis Kebijakan", "PELAKSANA", "BID-SMP-KUR", "KASI-SMP-KUR",
             "31", "Wahyu Hidayat, S.Pd.", "M"),
            ("KASI-SMP-PD", "Kepala Seksi Peserta Didik dan Pembangunan Karakter", "PENGAWAS", "BID-SMP-PD",
             "KABID-SMP", "33", "Nurhaedah, S.Pd.", "F"),
            ("SMP-PD-PDI", "Pengolah Data dan Informasi", "PELAKSANA", "BID-SMP-PD", "KASI-SMP-PD",
             "24", "Datu Muhammad Iqbal", "M"),
            ("KEPSEK-SMPN1", "Kepala SMP Negeri 1 Tanjung Selor", "AHLI_MADYA", "SMPN1", "KABID-SMP",
             "42", "Drs. Yosep Ngau, M.Pd.", "M"),
            ("SMPN1-GURU1", "Guru Matematika Ahli Muda", "AHLI_MUDA", "SMPN1", "KEPSEK-SMPN1",
             "34", "Bambang Suprapto, S.Pd.", "M"),
            ("SMPN1-GURU2", "Guru Ilmu Pengetahuan Alam Ahli Pertama", "AHLI_PERTAMA", "SMPN1", "KEPSEK-SMPN1",
             "32", "Andi Sitti Aisyah, S.Pd.", "F"),
            ("SMPN1-GURU3", "Guru Bahasa Indonesia Ahli Pertama", "AHLI_PERTAMA", "SMPN1", "KEPSEK-SMPN1",
             "PPPK-IX", "Husnul Khotimah, S.Pd.", "F"),
            ("SMPN1-GURU4", "Guru Bahasa Inggris Ahli Pertama", "AHLI_PERTAMA", "SMPN1", "KEPSEK-SMPN1",
             "PPPK-IX", "Maria Goreti Uyang, S.Pd.", "F"),
            ("KABID-GTK", "Kepala Bidang Guru dan Tenaga Kependidikan", "ADMINISTRATOR", "BID-GTK", "KADIS",
             "41", "Ahmad Zainuddin, S.Pd., M.M.", "M"),
            ("KASI-GTK-PTK", "Kepala Seksi Pendidik dan Tenaga Kependidikan", "PENGAWAS", "BID-GTK-PTK",
             "KABID-GTK", "33", "Retno Wulandari, S.Psi.", "F"),
            ("GTK-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "AHLI_PERTAMA", "BID-GTK-PTK",
             "KASI-GTK-PTK", "31", "Mardiansyah, S.I.P.", "M"),
            ("GTK-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "BID-GTK-PTK", "KASI-GTK-PTK",
             "PPPK-V", "Siti Maimunah", "F"),
            ("GTK-PENGAWAS", "Pengawas Sekolah Ahli Madya", "AHLI_MADYA", "BID-GTK", "KABID-GTK",
             "42", "Dra. Hj. Rusmini, M.Pd.", "F"),
            ("KABID-BUD", "Kepala Bidang Kebudayaan", "ADMINISTRATOR", "BID-BUD", "KADIS",
             "41", "Lawing Apui, S.Sos., M.Si.", "M"),
            ("KASI-BUD-CAGAR", "Kepala Seksi Cagar Budaya dan Sejarah", "PENGAWAS", "BID-BUD-CAGAR",
             "KABID-BUD", "34", "Dayang Mahrani, S.S.", "F"),
            ("BUD-CAGAR-PB", "Pamong Budaya Ahli Pertama", "AHLI_PERTAMA", "BID-BUD-CAGAR", "KASI-BUD-CAGAR",
             "31", "Aji Muhammad Fadli, S.Hum.", "M"),
            ("KASI-BUD-SENI", "Kepala Seksi Kesenian dan Tradisi", "PENGAWAS", "BID-BUD-SENI", "KABID-BUD",
             "33", "Usat Ajang, S.Sn.", "M"),
            ("BUD-SENI-PB", "Pamong Budaya Ahli Pertama", "AHLI_PERTAMA", "BID-BUD-SENI", "KASI-BUD-SENI",
             "PPPK-IX", "Nurjannah, S.Sn.", "F"),
        ],
    },
    {
        "code": "DINKES",
        "name": "Dinas Kesehatan",
        "short_name": "Dinkes",
        "kind": "DINAS",
        "address": "Jl. Jelarai Raya, Tanjung Selor",
        "units": [
            unit("SEK", "Sekretariat", "SEKRETARIAT", children=[
                unit("SEK-UMPEG", "Subbagian Umum dan Kepegawaian", "SUBBAGIAN"),
                unit("SEK-PK", "Subbagian Perencanaan dan Keuangan", "SUBBAGIAN"),
            ]),
            unit("BID-KESMAS", "Bidang Kesehatan Masyarakat", "BIDANG", children=[
                unit("BID-KESMAS-KGIZI", "Seksi Kesehatan Keluarga dan Gizi", "SEKSI"),
                unit("BID-KESMAS-PROMKES", "Seksi Promosi dan Pemberdayaan Masyarakat", "SEKSI"),
            ]),
            unit("BID-P2P", "Bidang Pencegahan dan Pengendalian Penyakit", "BIDANG", children=[
                unit("BID-P2P-SURIM", "Seksi Surveilans dan Imunisasi", "SEKSI"),
                unit("BID-P2P-P2PM", "Seksi Pencegahan dan Pengendalian Penyakit Menular", "SEKSI"),
            ]),
            unit("BID-YANKES", "Bidang Pelayanan dan Sumber Daya Kesehatan", "BIDANG", children=[
                unit("BID-YANKES-PRIMER", "Seksi Pelayanan Kesehatan Primer dan Rujukan", "SEKSI"),
                unit("BID-YANKES-FARMALKES", "Seksi Kefarmasian dan Alat Kesehatan", "SEKSI"),
            ]),
            unit("PKM-TJS", "UPTD Puskesmas Tanjung Selor", "PUSKESMAS", True),
            unit("PKM-TJP", "UPTD Puskesmas Tanjung Palas", "PUSKESMAS", True),
            unit("PKM-SLB", "UPTD Puskesmas Salimbatu", "PUSKESMAS", True),
        ],
        "positions": [
            ("KADIS", "Kepala Dinas Kesehatan", "JPT_PRATAMA", "SEK", None,
             "43", "dr. H. Muhammad Arief Hidayat, M.Kes.", "M"),
            ("SEKDIS", "Sekretaris Dinas Kesehatan", "ADMINISTRATOR", "SEK", "KADIS",
             "42", "Hj. Nurbaya, S.KM., M.Kes.", "F"),
            ("KASUBAG-UMPEG", "Kepala Subbagian Umum dan Kepegawaian", "PENGAWAS", "SEK-UMPEG", "SEKDIS",
             "33", "Abdul Rahim, S.Sos.", "M"),
            ("UMPEG-PRAKOM", "Pranata Komputer Ahli Pertama", "AHLI_PERTAMA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "32", "Fitri Handayani, S.Kom.", "F"),
            ("UMPEG-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "24", "Ismail Marzuki", "M"),
            ("UMPEG-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "AHLI_PERTAMA", "SEK-UMPEG",
             "KASUBAG-UMPEG", "PPPK-IX", "Desi Ratnasari, S.I.P.", "F"),
            ("KASUBAG-PK", "Kepala Subbagian Perencanaan dan Keuangan", "PENGAWAS", "SEK-PK", "SEKDIS",
             "34", "Yusran Arifin, S.E., M.Ak.", "M"),
            ("PK-PERENCANA", "Perencana Ahli Pertama", "AHLI_PERTAMA", "SEK-PK", "KASUBAG-PK",
             "32", "Novita Sari, S.KM.", "F"),
            ("PK-AKPD", "Analis Keuangan Pusat dan Daerah Ahli Pertama", "AHLI_PERTAMA", "SEK-PK", "KASUBAG-PK",
             "31", "Ariansyah, S.E.", "M"),
            ("KABID-KESMAS", "Kepala Bidang Kesehatan Masyarakat", "ADMINISTRATOR", "BID-KESMAS", "KADIS",
             "41", "Magdalena Lidya, S.KM., M.Kes.", "F"),
            ("KASI-KGIZI", "Kepala Seksi Kesehatan Keluarga dan Gizi", "PENGAWAS", "BID-KESMAS-KGIZI",
             "KABID-KESMAS", "34", "Hj. Rahmatia Hamid, S.ST., M.Kes.", "F"),
            ("KGIZI-NUTRISIONIS1", "Nutrisionis Ahli Pertama", "AHLI_PERTAMA", "BID-KESMAS-KGIZI", "KASI-KGIZI",
             "32", "Rina Marlina, S.Gz.", "F"),
            ("KGIZI-BIDAN", "Bidan Mahir", "MAHIR", "BID-KESMAS-KGIZI", "KASI-KGIZI",
             "31", "Sumiati, A.Md.Keb.", "F"),
            ("KGIZI-NUTRISIONIS2", "Nutrisionis Terampil", "TERAMPIL", "BID-KESMAS-KGIZI", "KASI-KGIZI",
             "PPPK-VII", "Aprilia Kurniasih, A.Md.Gz.", "F"),
            ("KASI-PROMKES", "Kepala Seksi Promosi dan Pemberdayaan Masyarakat", "PENGAWAS", "BID-KESMAS-PROMKES",
             "KABID-KESMAS", "33", "Ahmad Yani Saputra, S.KM.", "M"),
            ("PROMKES-PKM", "Penyuluh Kesehatan Masyarakat Ahli Pertama", "AHLI_PERTAMA", "BID-KESMAS-PROMKES",
             "KASI-PROMKES", "PPPK-IX", "Theresia Bilung, S.KM.", "F"),
            ("KABID-P2P", "Kepala Bidang Pencegahan dan Pengendalian Penyakit", "ADMINISTRATOR", "BID-P2P",
             "KADIS", "42", "dr. Hendra Gunawan, M.Kes.", "M"),
            ("KASI-SURIM", "Kepala Seksi Surveilans dan Imunisasi", "PENGAWAS", "BID-P2P-SURIM", "KABID-P2P",
             "34", "Andi Baso Makkulau, S.KM., M.Epid.", "M"),
            ("SURIM-EPID", "Epidemiolog Kesehatan Ahli Pertama", "AHLI_PERTAMA", "BID-P2P-SURIM", "KASI-SURIM",
             "32", "Nur Afni, S.KM.", "F"),
            ("SURIM-PDI", "Pengolah Data dan Informasi", "PELAKSANA", "BID-P2P-SURIM", "KASI-SURIM",
             "PPPK-V", "Rudiansyah", "M"),
            ("KASI-P2PM", "Kepala Seksi Pencegahan dan Pengendalian Penyakit Menular", "PENGAWAS",
             "BID-P2P-P2PM", "KABID-P2P", "33", "Yohanis Rante, S.KM.", "M"),
            ("P2PM-ENTOMOLOG", "Entomolog Kesehatan Ahli Pertama", "AHLI_PERTAMA", "BID-P2P-P2PM", "KASI-P2PM",
             "31", "Eko Prasetyo, S.Si.", "M"),
            ("P2PM-SANITARIAN", "Tenaga Sanitasi Lingkungan Terampil", "TERAMPIL", "BID-P2P-P2PM", "KASI-P2PM",
             "PPPK-VII", "Nurhalimah, A.Md.KL.", "F"),
            ("KABID-YANKES", "Kepala Bidang Pelayanan dan Sumber Daya Kesehatan", "ADMINISTRATOR", "BID-YANKES",
             "KADIS", "41", "drg. Hj. Andi Tenri Ajeng, M.Kes.", "F"),
            ("KASI-PRIMER", "Kepala Seksi Pelayanan Kesehatan Primer dan Rujukan", "PENGAWAS",
             "BID-YANKES-PRIMER", "KABID-YANKES", "34", "Joko Susilo, S.Kep., Ns.", "M"),
            ("PRIMER-ADMKES", "Administrator Kesehatan Ahli Pertama", "AHLI_PERTAMA", "BID-YANKES-PRIMER",
             "KASI-PRIMER", "32", "Dessy Natalia, S.KM.", "F"),
            ("KASI-FARMALKES", "Kepala Seksi Kefarmasian dan Alat Kesehatan", "PENGAWAS", "BID-YANKES-FARMALKES",
             "KABID-YANKES", "33", "apt. Rizal Fahmi, S.Farm.", "M"),
            ("FARMALKES-APOTEKER", "Apoteker Ahli Pertama", "AHLI_PERTAMA", "BID-YANKES-FARMALKES",
             "KASI-FARMALKES", "31", "apt. Nadia Safitri, S.Farm.", "F"),
            ("FARMALKES-TTK", "Tenaga Teknis Kefarmasian Terampil", "TERAMPIL", "BID-YANKES-FARMALKES",
             "KASI-FARMALKES", "24", "Yuni Astuti, A.Md.Farm.", "F"),
            ("KAPUS-TJS", "Kepala UPTD Puskesmas Tanjung Selor", "PENGAWAS", "PKM-TJS", "KADIS",
             "34", "dr. Fransiskus Lawai, M.K.M.", "M"),
            ("TJS-DOKTER", "Dokter Ahli Pertama", "AHLI_PERTAMA", "PKM-TJS", "KAPUS-TJS",
             "32", "dr. Aulia Rahmadani", "F"),
            ("TJS-DRG", "Dokter Gigi Ahli Pertama", "AHLI_PERTAMA", "PKM-TJS", "KAPUS-TJS",
             "31", "drg. Putri Ayu Lestari", "F"),
            ("TJS-PERAWAT1", "Perawat Ahli Pertama", "AHLI_PERTAMA", "PKM-TJS", "KAPUS-TJS",
             "32", "Hamsah, S.Kep., Ns.", "M"),
            ("TJS-PERAWAT2", "Perawat Mahir", "MAHIR", "PKM-TJS", "KAPUS-TJS",
             "31", "Selvi Anggraini, A.Md.Kep.", "F"),
            ("TJS-PERAWAT3", "Perawat Terampil", "TERAMPIL", "PKM-TJS", "KAPUS-TJS",
             "PPPK-VII", "Markus Ding, A.Md.Kep.", "M"),
            ("TJS-BIDAN1", "Bidan Terampil", "TERAMPIL", "PKM-TJS", "KAPUS-TJS",
             "24", "Irma Suryani, A.Md.Keb.", "F"),
            ("TJS-BIDAN2", "Bidan Terampil", "TERAMPIL", "PKM-TJS", "KAPUS-TJS",
             "PPPK-VII", "Lina Herlina, A.Md.Keb.", "F"),
            ("TJS-LAB", "Pranata Laboratorium Kesehatan Terampil", "TERAMPIL", "PKM-TJS", "KAPUS-TJS",
             "23", "Wiwin Widiastuti, A.Md.AK.", "F"),
            ("KAPUS-TJP", "Kepala UPTD Puskesmas Tanjung Palas", "PENGAWAS", "PKM-TJP", "KADIS",
             "33", "Hj. Dayang Kartini, S.KM.", "F"),
            ("TJP-DOKTER", "Dokter Ahli Pertama", "AHLI_PERTAMA", "PKM-TJP", "KAPUS-TJP",
             "31", "dr. Reza Pahlevi", "M"),
            ("TJP-PERAWAT1", "Perawat Mahir", "MAHIR", "PKM-TJP", "KAPUS-TJP",
             "32", "Muhammad Nasir, A.Md.Kep.", "M"),
            ("TJP-PERAWAT2", "Perawat Terampil", "TERAMPIL", "PKM-TJP", "KAPUS-TJP",
             "23", "Yosefina Kewa, A.Md.Kep.", "F"),
            ("TJP-BIDAN", "Bidan Terampil", "TERAMPIL", "PKM-TJP", "KAPUS-TJP",
             "PPPK-VII", "Hasnah, A.Md.Keb.", "F"),
            ("KAPUS-SLB", "Kepala UPTD Puskesmas Salimbatu", "PENGAWAS", "PKM-SLB", "KADIS",
             "34", "Samsul Bahri, S.Kep., Ns.", "M"),
            ("SLB-PERAWAT", "Perawat Terampil", "TERAMPIL", "PKM-SLB", "KAPUS-SLB",
             "24", "Agus Setiawan, A.Md.Kep.", "M"),
            ("SLB-BIDAN", "Bidan Terampil", "TERAMPIL", "PKM-SLB", "KAPUS-SLB",
             "PPPK-VII", "Petronela Ubang, A.Md.Keb.", "F"),
            ("SLB-SANITARIAN", "Tenaga Sanitasi Lingkungan Terampil", "TERAMPIL", "PKM-SLB", "KAPUS-SLB",
             "23", "Rusdi, A.Md.KL.", "M"),
        ],
    },
    {
        "code": "DISDUKCAPIL",
        "name": "Dinas Kependudukan dan Pencatatan Sipil",
        "short_name": "Disdukcapil",
        "kind": "DINAS",
        "address": "Jl. Kolonel Soetadji, Tanjung Selor",
        "units": [
            unit("SEK", "Sekretariat", "SEKRETARIAT", children=[
                unit("SEK-UMPEG", "Subbagian Umum dan Kepegawaian", "SUBBAGIAN"),
                unit("SEK-PK", "Subbagian Perencanaan dan Keuangan", "SUBBAGIAN"),
            ]),
            unit("BID-DAFDUK", "Bidang Pelayanan Pendaftaran Penduduk", "BIDANG", children=[
                unit("BID-DAFDUK-IDENTITAS", "Seksi Identitas Penduduk", "SEKSI"),
                unit("BID-DAFDUK-PINDAH", "Seksi Pindah Datang Penduduk", "SEKSI"),
                unit("BID-DAFDUK-PENDATAAN", "Seksi Pendataan Penduduk", "SEKSI"),
                unit("LAYANAN-DAFDUK", "Pelayanan Pendaftaran Penduduk", "PELAYANAN", True),
            ]),
            unit("BID-CAPIL", "Bidang Pelayanan Pencatatan Sipil", "BIDANG", children=[
                unit("BID-CAPIL-KELAHIRAN", "Seksi Kelahiran", "SEKSI"),
                unit("BID-CAPIL-PERKAWINAN", "Seksi Perkawinan dan Perceraian", "SEKSI"),
                unit("BID-CAPIL-KEMATIAN", "Seksi Perubahan Status Anak, Pewarganegaraan dan Kematian", "SEKSI"),
                unit("LAYANAN-CAPIL", "Pelayanan Pencatatan Sipil", "PELAYANAN", True),
            ]),
            unit("BID-PIAK", "Bidang Pengelolaan Informasi Administrasi Kependudukan", "BIDANG", children=[
                unit("BID-PIAK-SIAK", "Seksi Sistem Informasi Administrasi Kependudukan", "SEKSI"),
                unit("BID-PIAK-PPD", "Seksi Pengolahan dan Penyajian Data Kependudukan", "SEKSI"),
            ]),
            unit("BID-PDIP", "Bidang Pemanfaatan Data dan Inovasi Pelayanan", "BIDANG", children=[
                unit("BID-PDIP-KERJASAMA", "Seksi Kerja Sama dan Pemanfaatan Data", "SEKSI"),
                unit("BID-PDIP-INOVASI", "Seksi Inovasi Pelayanan", "SEKSI"),
            ]),
        ],
        "positions": [
            ("KADIS", "Kepala Dinas Kependudukan dan Pencatatan Sipil", "JPT_PRATAMA", "SEK", None,
             "43", "H. Ahmad Syaiful Anwar, S.Sos., M.Si.", "M"),
            ("SEKDIS", "Sekretaris Dinas Kependudukan dan Pencatatan Sipil", "ADMINISTRATOR", "SEK", "KADIS",
             "42", "Hj. Darmawati, S.E., M.M.", "F"),
            ("KASUBAG-UMPEG", "Kepala Subbagian Umum dan Kepegawaian", "PENGAWAS", "SEK-UMPEG", "SEKDIS",
             "33", "Benyamin Ingan, S.Sos.", "M"),
            ("UMPEG-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "23", "Sulastri", "F"),
            ("UMPEG-PLO", "Penata Layanan Operasional", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "PPPK-VII", "Rini Puspitasari, A.Md.", "F"),
            ("KASUBAG-PK", "Kepala Subbagian Perencanaan dan Keuangan", "PENGAWAS", "SEK-PK", "SEKDIS",
             "34", "Abdul Gani, S.E.", "M"),
            ("PK-AKPD", "Analis Keuangan Pusat dan Daerah Ahli Pertama", "AHLI_PERTAMA", "SEK-PK", "KASUBAG-PK",
             "31", "Winda Lestari, S.Ak.", "F"),
            ("PK-PDI", "Pengolah Data dan Informasi", "PELAKSANA", "SEK-PK", "KASUBAG-PK",
             "24", "Heriyanto", "M"),
            ("KABID-DAFDUK", "Kepala Bidang Pelayanan Pendaftaran Penduduk", "ADMINISTRATOR", "BID-DAFDUK",
             "KADIS", "41", "Yakobus Njau, S.Sos., M.A.P.", "M"),
            ("KASI-IDENTITAS", "Kepala Seksi Identitas Penduduk", "PENGAWAS", "BID-DAFDUK-IDENTITAS",
             "KABID-DAFDUK", "34", "Nurhayati, S.Sos.", "F"),
            ("IDENTITAS-OLO1", "Operator Layanan Operasional", "PELAKSANA", "LAYANAN-DAFDUK", "KASI-IDENTITAS",
             "23", "Fajar Ramadhan", "M"),
            ("IDENTITAS-OLO2", "Operator Layanan Operasional", "PELAKSANA", "LAYANAN-DAFDUK", "KASI-IDENTITAS",
             "PPPK-V", "Nur Azizah", "F"),
            ("IDENTITAS-PLO", "Penata Layanan Operasional", "PELAKSANA", "BID-DAFDUK-IDENTITAS", "KASI-IDENTITAS",
             "31", "Rahmat Hidayat, S.I.P.", "M"),
            ("KASI-PINDAH", "Kepala Seksi Pindah Datang Penduduk", "PENGAWAS", "BID-DAFDUK-PINDAH",
             "KABID-DAFDUK", "33", "Andi Marwah, S.Sos.", "F"),
            ("PINDAH-OLO", "Operator Layanan Operasional", "PELAKSANA", "LAYANAN-DAFDUK", "KASI-PINDAH",
             "PPPK-V", "Ilham Maulana", "M"),
            ("KASI-PENDATAAN", "Kepala Seksi Pendataan Penduduk", "PENGAWAS", "BID-DAFDUK-PENDATAAN",
             "KABID-DAFDUK", "33", "Dedi Kurniawan, S.T.", "M"),
            ("PENDATAAN-PDI", "Pengolah Data dan Informasi", "PELAKSANA", "BID-DAFDUK-PENDATAAN",
             "KASI-PENDATAAN", "PPPK-VII", "Anisa Fitriani, A.Md.", "F"),
            ("KABID-CAPIL", "Kepala Bidang Pelayanan Pencatatan Sipil", "ADMINISTRATOR", "BID-CAPIL", "KADIS",
             "42", "Hj. Siti Fatimah Azzahra, S.H., M.H.", "F"),
            ("KASI-KELAHIRAN", "Kepala Seksi Kelahiran", "PENGAWAS", "BID-CAPIL-KELAHIRAN", "KABID-CAPIL",
             "34", "Yuliani, S.Sos.", "F"),
            ("KELAHIRAN-OLO", "Operator Layanan Operasional", "PELAKSANA", "LAYANAN-CAPIL", "KASI-KELAHIRAN",
             "23", "Bayu Saputra", "M"),
            ("KELAHIRAN-PLO", "Penata Layanan Operasional", "PELAKSANA", "BID-CAPIL-KELAHIRAN", "KASI-KELAHIRAN",
             "PPPK-VII", "Kartika Dewi, A.Md.", "F"),
            ("KASI-PERKAWINAN", "Kepala Seksi Perkawinan dan Perceraian", "PENGAWAS", "BID-CAPIL-PERKAWINAN",
             "KABID-CAPIL", "33", "Habibah, S.H.", "F"),
            ("PERKAWINAN-PLO", "Penata Layanan Operasional", "PELAKSANA", "BID-CAPIL-PERKAWINAN",
             "KASI-PERKAWINAN", "31", "Daniel Imang, S.H.", "M"),
            ("KASI-KEMATIAN", "Kepala Seksi Perubahan Status Anak, Pewarganegaraan dan Kematian", "PENGAWAS",
             "BID-CAPIL-KEMATIAN", "KABID-CAPIL", "33", "Suryadi, S.Sos.", "M"),
            ("KEMATIAN-OLO", "Operator Layanan Operasional", "PELAKSANA", "LAYANAN-CAPIL", "KASI-KEMATIAN",
             "PPPK-V", "Mega Wulandari", "F"),
            ("KABID-PIAK", "Kepala Bidang Pengelolaan Informasi Administrasi Kependudukan", "ADMINISTRATOR",
             "BID-PIAK", "KADIS", "41", "Herman Sitorus, S.T., M.T.", "M"),
            ("KASI-SIAK", "Kepala Seksi Sistem Informasi Administrasi Kependudukan", "PENGAWAS", "BID-PIAK-SIAK",
             "KABID-PIAK", "34", "Andreas Laing, S.Kom.", "M"),
            ("SIAK-ADBK", "Administrator Database Kependudukan Ahli Pertama", "AHLI_PERTAMA", "BID-PIAK-SIAK",
             "KASI-SIAK", "31", "Muhammad Fikri, S.Kom.", "M"),
            ("SIAK-PRAKOM1", "Pranata Komputer Terampil", "TERAMPIL", "BID-PIAK-SIAK", "KASI-SIAK",
             "24", "Novi Yanti, A.Md.Kom.", "F"),
            ("SIAK-PRAKOM2", "Pranata Komputer Ahli Pertama", "AHLI_PERTAMA", "BID-PIAK-SIAK", "KASI-SIAK",
             "PPPK-IX", "Akbar Maulana, S.Kom.", "M"),
            ("KASI-PPD", "Kepala Seksi Pengolahan dan Penyajian Data Kependudukan", "PENGAWAS", "BID-PIAK-PPD",
             "KABID-PIAK", "33", "Tri Wulandari, S.Si.", "F"),
            ("PPD-STATISTISI", "Statistisi Ahli Pertama", "AHLI_PERTAMA", "BID-PIAK-PPD", "KASI-PPD",
             "31", "Ni Made Suartini, S.Stat.", "F"),
            ("KABID-PDIP", "Kepala Bidang Pemanfaatan Data dan Inovasi Pelayanan", "ADMINISTRATOR", "BID-PDIP",
             "KADIS", "41", "Drs. Jumadi, M.Si.", "M"),
            ("KASI-KERJASAMA", "Kepala Seksi Kerja Sama dan Pemanfaatan Data", "PENGAWAS", "BID-PDIP-KERJASAMA",
             "KABID-PDIP", "33", "Asmawati, S.Sos.", "F"),
            ("KERJASAMA-PTK", "Penelaah Teknis Kebijakan", "PELAKSANA", "BID-PDIP-KERJASAMA", "KASI-KERJASAMA",
             "32", "Irfan Syahputra, S.H.", "M"),
            ("KASI-INOVASI", "Kepala Seksi Inovasi Pelayanan", "PENGAWAS", "BID-PDIP-INOVASI", "KABID-PDIP",
             "34", "Ignasius Ngang, S.Kom.", "M"),
            ("INOVASI-PRAKOM", "Pranata Komputer Ahli Pertama", "AHLI_PERTAMA", "BID-PDIP-INOVASI", "KASI-INOVASI",
             "32", "Sarah Angelina, S.Kom.", "F"),
            ("INOVASI-OLO", "Operator Layanan Operasional", "PELAKSANA", "BID-PDIP-INOVASI", "KASI-INOVASI",
             "PPPK-V", "Rahmadani", "F"),
        ],
    },
    {
        "code": "BKPSDM",
        "name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "short_name": "BKPSDM",
        "kind": "BADAN",
        "address": "Jl. Sabanar Lama, Tanjung Selor",
        "units": [
            unit("SEK", "Sekretariat", "SEKRETARIAT", children=[
                unit("SEK-UMPEG", "Subbagian Umum dan Kepegawaian", "SUBBAGIAN"),
                unit("SEK-PK", "Subbagian Perencanaan dan Keuangan", "SUBBAGIAN"),
            ]),
            unit("BID-PPI", "Bidang Pengadaan, Pemberhentian dan Informasi", "BIDANG", children=[
                unit("BID-PPI-PENGADAAN", "Seksi Pengadaan dan Pemberhentian", "SEKSI"),
                unit("BID-PPI-SIMPEG", "Seksi Data dan Sistem Informasi Kepegawaian", "SEKSI"),
            ]),
            unit("BID-MUTASI", "Bidang Mutasi dan Promosi", "BIDANG", children=[
                unit("BID-MUTASI-MUTASI", "Seksi Mutasi", "SEKSI"),
                unit("BID-MUTASI-KEPANGKATAN", "Seksi Promosi dan Kepangkatan", "SEKSI"),
            ]),
            unit("BID-PSDM", "Bidang Pengembangan Sumber Daya Manusia", "BIDANG", children=[
                unit("BID-PSDM-KOMPETENSI", "Seksi Pengembangan Kompetensi", "SEKSI"),
                unit("BID-PSDM-SERTIFIKASI", "Seksi Pendidikan Lanjutan dan Sertifikasi", "SEKSI"),
            ]),
            unit("BID-PKA", "Bidang Penilaian Kinerja Aparatur dan Penghargaan", "BIDANG", children=[
                unit("BID-PKA-KINERJA", "Seksi Penilaian Kinerja", "SEKSI"),
                unit("BID-PKA-DISIPLIN", "Seksi Disiplin dan Penghargaan", "SEKSI"),
            ]),
        ],
        "positions": [
            ("KABAN", "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "JPT_PRATAMA", "SEK",
             None, "43", "Dr. H. Muhammad Yusuf Abdullah, S.Sos., M.Si.", "M"),
            ("SEKBAN", "Sekretaris Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "ADMINISTRATOR",
             "SEK", "KABAN", "42", "Hj. Norhayati, S.E., M.M.", "F"),
            ("KASUBAG-UMPEG", "Kepala Subbagian Umum dan Kepegawaian", "PENGAWAS", "SEK-UMPEG", "SEKBAN",
             "33", "Sabran, S.Sos.", "M"),
            ("UMPEG-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "23", "Evi Susanti", "F"),
            ("UMPEG-PUO", "Pengelola Umum Operasional", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "PPPK-V", "Jumriani", "F"),
            ("KASUBAG-PK", "Kepala Subbagian Perencanaan dan Keuangan", "PENGAWAS", "SEK-PK", "SEKBAN",
             "34", "Andi Irwan Saputra, S.E.", "M"),
            ("PK-PERENCANA", "Perencana Ahli Pertama", "AHLI_PERTAMA", "SEK-PK", "KASUBAG-PK",
             "31", "Yusnita, S.E.", "F"),
            ("PK-PDI", "Pengolah Data dan Informasi", "PELAKSANA", "SEK-PK", "KASUBAG-PK",
             "PPPK-V", "Muhammad Rizal", "M"),
            ("KABID-PPI", "Kepala Bidang Pengadaan, Pemberhentian dan Informasi", "ADMINISTRATOR", "BID-PPI",
             "KABAN", "41", "Petrus Anyeq, S.Sos., M.Si.", "M"),
            ("KASI-PENGADAAN", "Kepala Seksi Pengadaan dan Pemberhentian", "PENGAWAS", "BID-PPI-PENGADAAN",
             "KABID-PPI", "34", "Haryati, S.Psi.", "F"),
            ("PENGADAAN-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "AHLI_PERTAMA",
             "BID-PPI-PENGADAAN", "KASI-PENGADAAN", "31", "Nanda Pratama, S.Psi.", "M"),
            ("PENGADAAN-PSDMA", "Pranata Sumber Daya Manusia Aparatur Terampil", "TERAMPIL", "BID-PPI-PENGADAAN",
             "KASI-PENGADAAN", "PPPK-VII", "Sri Handayani, A.Md.", "F"),
            ("KASI-SIMPEG", "Kepala Seksi Data dan Sistem Informasi Kepegawaian", "PENGAWAS", "BID-PPI-SIMPEG",
             "KABID-PPI", "33", "Adi Nugroho, S.Kom.", "M"),
            ("SIMPEG-PRAKOM", "Pranata Komputer Ahli Pertama", "AHLI_PERTAMA", "BID-PPI-SIMPEG", "KASI-SIMPEG",
             "32", "Yohana Ping, S.Kom.", "F"),
            ("SIMPEG-PDI", "Pengolah Data dan Informasi", "PELAKSANA", "BID-PPI-SIMPEG", "KASI-SIMPEG",
             "PPPK-VII", "Taufik Hidayat, A.Md.", "M"),
            ("KABID-MUTASI", "Kepala Bidang Mutasi dan Promosi", "ADMINISTRATOR", "BID-MUTASI", "KABAN",
             "42", "Drs. Baharuddin, M.Si.", "M"),
            ("KASI-MUTASI", "Kepala Seksi Mutasi", "PENGAWAS", "BID-MUTASI-MUTASI", "KABID-MUTASI",
             "34", "Rusdiana, S.Sos.", "F"),
            ("MUTASI-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Muda", "AHLI_MUDA", "BID-MUTASI-MUTASI",
             "KASI-MUTASI", "33", "Iwan Setiawan, S.I.P., M.A.P.", "M"),
            ("MUTASI-PSDMA", "Pranata Sumber Daya Manusia Aparatur Mahir", "MAHIR", "BID-MUTASI-MUTASI",
             "KASI-MUTASI", "31", "Ernawati, A.Md.", "F"),
            ("KASI-KEPANGKATAN", "Kepala Seksi Promosi dan Kepangkatan", "PENGAWAS", "BID-MUTASI-KEPANGKATAN",
             "KABID-MUTASI", "33", "Gusti Rahmat, S.H.", "M"),
            ("KEPANGKATAN-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "AHLI_PERTAMA",
             "BID-MUTASI-KEPANGKATAN", "KASI-KEPANGKATAN", "PPPK-IX", "Anggi Permatasari, S.Psi.", "F"),
            ("KEPANGKATAN-PSDMA", "Pranata Sumber Daya Manusia Aparatur Terampil", "TERAMPIL",
             "BID-MUTASI-KEPANGKATAN", "KASI-KEPANGKATAN", "23", "Rahmat Saleh, A.Md.", "M"),
            ("KABID-PSDM", "Kepala Bidang Pengembangan Sumber Daya Manusia", "ADMINISTRATOR", "BID-PSDM",
             "KABAN", "41", "Hj. Sitti Hadijah, S.Pd., M.Pd.", "F"),
            ("KASI-KOMPETENSI", "Kepala Seksi Pengembangan Kompetensi", "PENGAWAS", "BID-PSDM-KOMPETENSI",
             "KABID-PSDM", "34", "Lukas Ipui, S.Sos.", "M"),
            ("KOMPETENSI-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "AHLI_PERTAMA",
             "BID-PSDM-KOMPETENSI", "KASI-KOMPETENSI", "31", "Indah Permata Sari, S.Psi.", "F"),
            ("KOMPETENSI-PLO", "Penata Layanan Operasional", "PELAKSANA", "BID-PSDM-KOMPETENSI",
             "KASI-KOMPETENSI", "PPPK-VII", "Fitriani, A.Md.", "F"),
            ("KASI-SERTIFIKASI", "Kepala Seksi Pendidikan Lanjutan dan Sertifikasi", "PENGAWAS",
             "BID-PSDM-SERTIFIKASI", "KABID-PSDM", "33", "Mariana, S.Sos.", "F"),
            ("SERTIFIKASI-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "AHLI_PERTAMA",
             "BID-PSDM-SERTIFIKASI", "KASI-SERTIFIKASI", "32", "Ahmad Rifai, S.I.P.", "M"),
            ("KABID-PKA", "Kepala Bidang Penilaian Kinerja Aparatur dan Penghargaan", "ADMINISTRATOR", "BID-PKA",
             "KABAN", "41", "Zainal Abidin, S.Sos., M.Si.", "M"),
            ("KASI-KINERJA", "Kepala Seksi Penilaian Kinerja", "PENGAWAS", "BID-PKA-KINERJA", "KABID-PKA",
             "34", "Nurul Fitriyah, S.Psi., M.Psi.", "F"),
            ("KINERJA-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Muda", "AHLI_MUDA", "BID-PKA-KINERJA",
             "KASI-KINERJA", "33", "Agus Salim, S.I.P., M.Si.", "M"),
            ("KINERJA-PRAKOM", "Pranata Komputer Terampil", "TERAMPIL", "BID-PKA-KINERJA", "KASI-KINERJA",
             "24", "Yoga Pratama, A.Md.Kom.", "M"),
            ("KASI-DISIPLIN", "Kepala Seksi Disiplin dan Penghargaan", "PENGAWAS", "BID-PKA-DISIPLIN",
             "KABID-PKA", "33", "Hendrikus Usat, S.H.", "M"),
            ("DISIPLIN-ASDMA", "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "AHLI_PERTAMA",
             "BID-PKA-DISIPLIN", "KASI-DISIPLIN", "PPPK-IX", "Dian Purnamasari, S.H.", "F"),
        ],
    },
    {
        "code": "KEC-TJS",
        "name": "Kecamatan Tanjung Selor",
        "short_name": "Kec. Tanjung Selor",
        "kind": "KECAMATAN",
        "address": "Jl. Katamso, Tanjung Selor",
        "units": [
            unit("SEK", "Sekretariat Kecamatan", "SEKRETARIAT", children=[
                unit("SEK-UMPEG", "Subbagian Umum dan Kepegawaian", "SUBBAGIAN"),
                unit("SEK-PK", "Subbagian Perencanaan dan Keuangan", "SUBBAGIAN"),
            ]),
            unit("PEM", "Seksi Tata Pemerintahan", "SEKSI"),
            unit("PMD", "Seksi Pemberdayaan Masyarakat dan Desa", "SEKSI"),
            unit("TRANTIB", "Seksi Ketenteraman dan Ketertiban Umum", "SEKSI"),
            unit("KESOS", "Seksi Kesejahteraan Sosial", "SEKSI"),
            unit("YANUM", "Seksi Pelayanan Umum", "SEKSI", children=[
                unit("PATEN", "Pelayanan Administrasi Terpadu Kecamatan", "PELAYANAN", True),
            ]),
            unit("KEL-HILIR", "Kelurahan Tanjung Selor Hilir", "KELURAHAN", True),
            unit("KEL-HULU", "Kelurahan Tanjung Selor Hulu", "KELURAHAN", True),
            unit("KEL-TIMUR", "Kelurahan Tanjung Selor Timur", "KELURAHAN", True),
        ],
        "positions": [
            ("CAMAT", "Camat Tanjung Selor", "ADMINISTRATOR", "SEK", None,
             "42", "Syahrial Tahir, S.STP., M.Si.", "M"),
            ("SEKCAM", "Sekretaris Kecamatan Tanjung Selor", "ADMINISTRATOR", "SEK", "CAMAT",
             "41", "Hj. Herlina, S.Sos.", "F"),
            ("KASUBAG-UMPEG", "Kepala Subbagian Umum dan Kepegawaian", "PENGAWAS", "SEK-UMPEG", "SEKCAM",
             "33", "Budi Santoso, S.Sos.", "M"),
            ("UMPEG-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "23", "Siti Khadijah", "F"),
            ("UMPEG-PUO", "Pengelola Umum Operasional", "PELAKSANA", "SEK-UMPEG", "KASUBAG-UMPEG",
             "PPPK-V", "Ruslan", "M"),
            ("KASUBAG-PK", "Kepala Subbagian Perencanaan dan Keuangan", "PENGAWAS", "SEK-PK", "SEKCAM",
             "34", "Nurmala, S.E.", "F"),
            ("PK-AKPD", "Analis Keuangan Pusat dan Daerah Ahli Pertama", "AHLI_PERTAMA", "SEK-PK", "KASUBAG-PK",
             "31", "Ardiansyah, S.E.", "M"),
            ("KASI-PEM", "Kepala Seksi Tata Pemerintahan", "PENGAWAS", "PEM", "CAMAT",
             "34", "Alexander Anye, S.I.P.", "M"),
            ("PEM-PTK", "Penelaah Teknis Kebijakan", "PELAKSANA", "PEM", "KASI-PEM",
             "32", "Rosita, S.H.", "F"),
            ("KASI-PMD", "Kepala Seksi Pemberdayaan Masyarakat dan Desa", "PENGAWAS", "PMD", "CAMAT",
             "33", "Muhammad Arsyad, S.Sos.", "M"),
            ("PMD-PLO", "Penata Layanan Operasional", "PELAKSANA", "PMD", "KASI-PMD",
             "31", "Veronika Ayang, S.Sos.", "F"),
            ("KASI-TRANTIB", "Kepala Seksi Ketenteraman dan Ketertiban Umum", "PENGAWAS", "TRANTIB", "CAMAT",
             "34", "Sudirman, S.H.", "M"),
            ("TRANTIB-POLPP", "Polisi Pamong Praja Terampil", "TERAMPIL", "TRANTIB", "KASI-TRANTIB",
             "24", "Hendra Saputra", "M"),
            ("TRANTIB-PUO", "Pengelola Umum Operasional", "PELAKSANA", "TRANTIB", "KASI-TRANTIB",
             "PPPK-V", "Jamaluddin", "M"),
            ("KASI-KESOS", "Kepala Seksi Kesejahteraan Sosial", "PENGAWAS", "KESOS", "CAMAT",
             "33", "Hj. Rukiah, S.Ag.", "F"),
            ("KESOS-PLO", "Penata Layanan Operasional", "PELAKSANA", "KESOS", "KASI-KESOS",
             "PPPK-VII", "Yanti Oktaviani, A.Md.", "F"),
            ("KASI-YANUM", "Kepala Seksi Pelayanan Umum", "PENGAWAS", "YANUM", "CAMAT",
             "34", "Elias Jalung, S.Sos.", "M"),
            ("PATEN-OLO1", "Operator Layanan Operasional", "PELAKSANA", "PATEN", "KASI-YANUM",
             "23", "Dwi Rahayu", "F"),
            ("PATEN-OLO2", "Operator Layanan Operasional", "PELAKSANA", "PATEN", "KASI-YANUM",
             "PPPK-V", "Firmansyah", "M"),
            ("LURAH-HILIR", "Lurah Tanjung Selor Hilir", "PENGAWAS", "KEL-HILIR", "CAMAT",
             "34", "Andi Muhammad Akbar, S.STP.", "M"),
            ("SEKEL-HILIR", "Sekretaris Kelurahan Tanjung Selor Hilir", "PENGAWAS", "KEL-HILIR", "LURAH-HILIR",
             "33", "Salmah, S.Sos.", "F"),
            ("HILIR-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "KEL-HILIR", "SEKEL-HILIR",
             "23", "Nursiah", "F"),
            ("HILIR-OLO", "Operator Layanan Operasional", "PELAKSANA", "KEL-HILIR", "SEKEL-HILIR",
             "PPPK-V", "Hairul Anwar", "M"),
            ("HILIR-PLO", "Penata Layanan Operasional", "PELAKSANA", "KEL-HILIR", "LURAH-HILIR",
             "31", "Yohanes Bayau, S.Sos.", "M"),
            ("LURAH-HULU", "Lurah Tanjung Selor Hulu", "PENGAWAS", "KEL-HULU", "CAMAT",
             "34", "Hj. Sri Mulyani, S.Sos.", "F"),
            ("SEKEL-HULU", "Sekretaris Kelurahan Tanjung Selor Hulu", "PENGAWAS", "KEL-HULU", "LURAH-HULU",
             "33", "Rudi Hartono, S.I.P.", "M"),
            ("HULU-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "KEL-HULU", "SEKEL-HULU",
             "24", "Marlinda", "F"),
            ("HULU-OLO", "Operator Layanan Operasional", "PELAKSANA", "KEL-HULU", "SEKEL-HULU",
             "23", "Imanuel Ugau", "M"),
            ("LURAH-TIMUR", "Lurah Tanjung Selor Timur", "PENGAWAS", "KEL-TIMUR", "CAMAT",
             "34", "Abdul Karim, S.Sos.", "M"),
            ("SEKEL-TIMUR", "Sekretaris Kelurahan Tanjung Selor Timur", "PENGAWAS", "KEL-TIMUR", "LURAH-TIMUR",
             "33", "Natalia Anyi, S.Sos.", "F"),
            ("TIMUR-ADM", "Pengadministrasi Perkantoran", "PELAKSANA", "KEL-TIMUR", "SEKEL-TIMUR",
             "PPPK-V", "Hasmawati", "F"),
            ("TIMUR-PLO", "Penata Layanan Operasional", "PELAKSANA", "KEL-TIMUR", "LURAH-TIMUR",
             "32", "Hendri Wijaya, S.Sos.", "M"),
        ],
    },
]

ALL_AGENCIES = [agency["code"] for agency in AGENCIES]

# Accounts: (username, roles, agencies, "AGENCY-POSITION" of the linked employee or None,
#            first name, last name when not linked).
ACCOUNTS = [
    ("admin", ["Admin"], [], None, "Administrator", "Sistem"),
    ("sekda", ["Leader"], ALL_AGENCIES, None, "Sekretaris Daerah", "Kabupaten Bulungan"),
    ("hr.bkpsdm", ["HR Admin", "Employee"], [], "BKPSDM-KINERJA-ASDMA", None, None),
    ("admin.disdik", ["Agency Admin", "Employee"], ["DISDIKBUD"], "DISDIKBUD-UMPEG-PRAKOM", None, None),
    ("admin.dinkes", ["Agency Admin", "Employee"], ["DINKES"], "DINKES-UMPEG-PRAKOM", None, None),
    ("kadis.disdik", ["Leader", "Evaluator", "Employee"], ["DISDIKBUD"], "DISDIKBUD-KADIS", None, None),
    ("penilai.disdik", ["Evaluator", "Employee"], [], "DISDIKBUD-KASI-SD-KUR", None, None),
    ("pegawai.disdik", ["Employee"], [], "DISDIKBUD-SD-KUR-PTK", None, None),
    ("kadis.dinkes", ["Leader", "Evaluator", "Employee"], ["DINKES"], "DINKES-KADIS", None, None),
    ("penilai.dinkes", ["Evaluator", "Employee"], [], "DINKES-KASI-KGIZI", None, None),
    ("pegawai.dinkes", ["Employee"], [], "DINKES-KGIZI-NUTRISIONIS1", None, None),
]


def pick(key: str, low: int, high: int) -> int:
    """A whole number in [low, high], fixed by ``key`` (SHA-256, stable across Python versions)."""
    value = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    return low + value % (high - low + 1)


def bare_name(name: str) -> list[str]:
    """The words of a name without its academic and religious titles."""
    words = name.split(",")[0].split()
    while words and words[0] in LEADING_TITLES:
        words.pop(0)
    return words


def email_for(name: str, taken: set[str]) -> str:
    words = [re.sub(r"[^a-z]", "", word.lower()) for word in bare_name(name)]
    local = ".".join([words[0], words[-1]] if len(words) > 1 else words)
    candidate, counter = local, 1
    while candidate in taken:
        counter += 1
        candidate = f"{local}{counter}"
    taken.add(candidate)
    return f"{candidate}@{EMAIL_DOMAIN}"


def phone_for(key: str, taken: set[str]) -> str:
    salt = 0
    while True:
        prefix = PHONE_PREFIXES[pick(f"{key}/phone-prefix/{salt}", 0, len(PHONE_PREFIXES) - 1)]
        number = f"{prefix}{pick(f'{key}/phone/{salt}', 10_000_000, 99_999_999)}"
        if number not in taken:
            taken.add(number)
            return number
        salt += 1


def nip_for(key: str, rank: str, sex: str, taken: set[str]) -> str:
    """A valid NIP (PNS) or NI PPPK (RULES §1) plausible for the rank."""
    sex_digit = "1" if sex == "M" else "2"
    if rank.startswith("PPPK-"):
        year = pick(f"{key}/appointed", 2021, 2025)
        birth_year = year - pick(f"{key}/age", *PPPK_AGE[rank])
        contract = "2" if year == 2021 else "1"
        middle = f"{year}2{contract}{sex_digit}"
    else:
        service, age = PNS_CAREER[rank]
        tmt_year = CURRENT_YEAR - pick(f"{key}/service", *service)
        tmt_month = TMT_MONTHS[pick(f"{key}/tmt-month", 0, len(TMT_MONTHS) - 1)]
        birth_year = tmt_year - pick(f"{key}/age", *age)
        middle = f"{tmt_year}{tmt_month:02d}{sex_digit}"
    birth = f"{birth_year}{pick(f'{key}/birth-month', 1, 12):02d}{pick(f'{key}/birth-day', 1, 28):02d}"
    serial = pick(f"{key}/serial", 1, 9)
    while f"{birth}{middle}{serial:03d}" in taken:
        serial += 1
    nip = f"{birth}{middle}{serial:03d}"
    taken.add(nip)
    return nip


def build_units(agency_code: str, units: list[dict]) -> list[dict]:
    return [{"code": f"{agency_code}-{u['code']}", "name": u["name"], "kind": u["kind"],
             "serves_public": u["serves_public"], "children": build_units(agency_code, u["children"])}
            for u in units]


def build() -> dict:
    nips: set[str] = set()
    emails: set[str] = set()
    phones: set[str] = set()
    holders: dict[str, dict] = {}
    agencies = []
    for spec in AGENCIES:
        code = spec["code"]
        positions, employees = [], []
        for suffix, title, kind, unit_code, parent, rank, name, sex in spec["positions"]:
            position_code = f"{code}-{suffix}"
            positions.append({"code": position_code, "name": title, "kind": kind,
                              "unit": f"{code}-{unit_code}",
                              "parent": f"{code}-{parent}" if parent else None})
            employee = {
                "nip": nip_for(position_code, rank, sex, nips),
                "employment_type": "PPPK" if rank.startswith("PPPK-") else "PNS",
                "name": name,
                "rank": rank,
                "position": position_code,
                "email": email_for(name, emails),
                "phone": phone_for(position_code, phones),
                "sex": sex,
                "active": True,
            }
            employees.append(employee)
            holders[position_code] = employee
        agencies.append({"code": code, "name": spec["name"], "short_name": spec["short_name"],
                         "kind": spec["kind"], "address": spec["address"],
                         "units": build_units(code, spec["units"]),
                         "positions": positions, "employees": employees})
    accounts = []
    for username, roles, agency_codes, position, first_name, last_name in ACCOUNTS:
        nip = None
        if position:
            holder = holders[position]
            nip = holder["nip"]
            words = bare_name(holder["name"])
            first_name, last_name = words[0], " ".join(words[1:]) or words[0]
        accounts.append({"username": username, "roles": roles, "agencies": list(agency_codes),
                         "employee_nip": nip, "first_name": first_name, "last_name": last_name})
    return {"agencies": agencies, "accounts": accounts}


def render() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is not what build_demo.py produces; run it again", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
