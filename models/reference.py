"""Chile's regiones and comunas from the SUBDERE CUT table shipped with the
package, and every name by which a región is written in the wild."""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources

from models.text import fold

# ISO 3166-2:CL codes (used by the ``holidays`` package) by CUT región code.
ISO_BY_CUT = {
    "01": "TA", "02": "AN", "03": "AT", "04": "CO", "05": "VS", "06": "LI",
    "07": "ML", "08": "BI", "09": "AR", "10": "LL", "11": "AI", "12": "MA",
    "13": "RM", "14": "LR", "15": "AP", "16": "NB",
}  # fmt: skip

# Regiones were numbered with Roman numerals before 2018; the CUT number is
# the same (the Metropolitana was "XIII" and "RM").
ROMAN = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI".split()  # noqa: SIM905

# Common short and historical names, beyond "<name>" and "Región de <name>".
EXTRA_ALIASES = {
    "05": ["Valparaiso"],
    "06": [
        "O'Higgins",
        "OHiggins",
        "Libertador Bernardo O'Higgins",
        "Lib. Gral. Bernardo O'Higgins",
    ],
    "08": ["Bío Bío", "Bío-Bío", "Biobio"],
    "09": ["Araucanía"],
    "11": ["Aysén", "Aisén", "Aysén del General Carlos Ibáñez"],
    "12": ["Magallanes", "Magallanes y Antártica Chilena"],
    "13": ["Metropolitana", "Región Metropolitana", "RM", "Santiago", "R.M."],
    "15": ["Arica", "Arica-Parinacota"],
}  # fmt: skip


@dataclass(frozen=True)
class RegionRef:
    code: str
    name: str
    abbreviation: str

    @property
    def number(self) -> int:
        return int(self.code)

    @property
    def iso_code(self) -> str:
        return ISO_BY_CUT[self.code]

    @property
    def roman(self) -> str:
        return ROMAN[self.number - 1]

    def aliases(self) -> set[str]:
        """Folded names that identify this región in a spreadsheet."""
        names = {self.name, f"Región de {self.name}", f"Región del {self.name}"}
        names |= {f"Región de la {self.name}", f"Región {self.name}"}
        names |= {self.abbreviation, self.code, str(self.number), self.roman}
        names |= {f"Región {self.roman}", f"{self.roman} Región", f"Región {self.number}"}
        for extra in EXTRA_ALIASES.get(self.code, []):
            names |= {extra, f"Región de {extra}", f"Región del {extra}"}
        return {fold(name) for name in names}


@dataclass(frozen=True)
class ComunaRef:
    code: str
    name: str
    province_code: str
    province_name: str
    region_code: str


@functools.cache
def _rows() -> tuple[dict[str, str], ...]:
    raw = resources.files("models").joinpath("cut_comunas.csv").read_text("utf-8")
    return tuple(csv.DictReader(io.StringIO(raw), delimiter=";"))


def regions() -> list[RegionRef]:
    """The 16 regiones, by CUT code."""
    seen: dict[str, RegionRef] = {}
    for row in _rows():
        code = row["codigo_region"]
        seen.setdefault(code, RegionRef(code, row["nombre_region"], row["abreviatura_region"]))
    return sorted(seen.values(), key=lambda ref: ref.code)


def comunas() -> list[ComunaRef]:
    """The 346 comunas with their provincia and región codes."""
    return [
        ComunaRef(
            code=row["codigo_comuna"],
            name=row["nombre_comuna"],
            province_code=row["codigo_provincia"],
            province_name=row["nombre_provincia"],
            region_code=row["codigo_region"],
        )
        for row in _rows()
    ]
