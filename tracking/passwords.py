"""What a new password must be: long enough, not one character repeated,
and not one of the passwords every guessing list tries first."""

from __future__ import annotations

from tracking.errors import InvalidChange

MIN_PASSWORD = 12

# The most common passwords of the public leak lists, and the Spanish and
# Chilean ones guessers add; compared after lower-casing and trimming.
_LISTED = """
    123456 123456789 12345678 password qwerty123 qwerty 12345 1234567 111111 1234567890
    123123 abc123 1234 password1 iloveyou 1q2w3e4r 000000 qwertyuiop 123321 654321
    666666 121212 7777777 987654321 1qaz2wsx 123qwe zxcvbnm 1q2w3e4r5t 555555 dragon
    monkey letmein football baseball welcome admin admin123 administrator passw0rd
    password123 password1234 qwerty12345 123456789012 1234567890123 abcdefghijkl
    sunshine princess master shadow superman michael jennifer trustno1 starwars
    whatever freedom charlie aa123456 donald batman access hello loveme flower
    mustang ninja azerty solo login qazwsx 1qaz2wsx3edc qwertyuiop123 asdfghjkl
    asdfghjkl123 zaq12wsx passpass changeme changeme123 secret secret123 google
    computer internet samsung pokemon liverpool chelsea arsenal barcelona realmadrid
    contraseña contrasena contraseña123 contrasena123 contraseña1234 contrasena1234
    micontraseña micontrasena clave clave123 clave1234 clave12345 clave123456
    miclave123 miclavesecreta claveclave123 chile chile123 chile1234 chile2024
    chile2025 chile2026 chile2027 chilechile santiago santiago123 santiago2026
    colocolo colocolo123 colocolo1234 universidaddechile lauchile teamo teamo123
    teamo1234 tequiero tequiero123 hola1234 hola123456 holahola holamundo
    bienvenido bienvenido123 bienvenido2026 administrador administrador123
    gobierno gobierno123 gobiernoregional gore2026 antofagasta antofagasta123
    compromisos compromisos123 cumple cumple123 cumple2026 seguimiento123
    cambiame cambiame123 cambiar123 qwertyasdfgh 123456789abc abc123456789
    """
COMMON = frozenset(_LISTED.split())


def check_new_password(password: str) -> None:
    """Raise :class:`InvalidChange` (in Spanish) unless ``password`` has at
    least :data:`MIN_PASSWORD` characters, is not one character repeated and
    is not in :data:`COMMON`."""
    if len(password) < MIN_PASSWORD:
        raise InvalidChange(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.")
    if len(set(password)) == 1:
        raise InvalidChange("La contraseña no puede ser un mismo carácter repetido.")
    folded = password.strip().lower()
    # "Contraseña2026!" is "contraseña" with the usual ending: just as guessable.
    if folded in COMMON or folded.rstrip("0123456789!.@#$%&*?-_ ") in COMMON:
        raise InvalidChange(
            "Esa contraseña es de las más usadas y se adivina en segundos; elija otra."
        )
