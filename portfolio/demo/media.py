"""The demo's evidence files, drawn and synthesised in memory each time the demo runs.

Nothing is copied from anywhere: the photos are a community hall drawn with Pillow, the voice
note is a two-second synthetic voice (a gliding pitch through changing vowel formants), and the
PDF is a "scan" of a signed letter, drawn as a page and saved with Pillow's PDF writer. The
pictures show no people, so the demo can truthfully say nobody identifiable is in them.
"""

import io
import math
import struct
import wave
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class DemoFile:
    name: str
    content_type: str
    data: bytes


def _font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans where the system has it (it has a pound sign); Pillow's own font if not."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


# ------------------------------------------------------------------------------------- photos

WALL, FLOOR, TABLE = (236, 226, 204), (150, 104, 62), (120, 80, 48)
BUNTING = [(212, 53, 28), (255, 221, 0), (0, 112, 60), (29, 112, 184), (244, 119, 56)]
NOTE_COLOURS = [(255, 236, 120), (255, 182, 193), (170, 220, 255), (190, 240, 170)]


def workshop_photo(name: str, heading: str, lines: list[str], *, accent=(29, 112, 184)) -> DemoFile:
    """A JPEG of a workshop set up in a community hall: bunting, a window, a flip chart with
    the group's ideas written on it, and a table of sticky notes and paint pots."""
    width, height = 1200, 800
    image = Image.new("RGB", (width, height), WALL)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, width, height), fill=FLOOR)
    for x in range(0, width, 90):  # floorboards
        draw.line((x, 560, x - 60, height), fill=(128, 88, 52), width=2)
    draw.rectangle((60, 110, 330, 430), fill=(190, 220, 240), outline=(250, 250, 250), width=12)
    draw.line((195, 110, 195, 430), fill=(250, 250, 250), width=8)
    draw.line((60, 270, 330, 270), fill=(250, 250, 250), width=8)
    for n, x in enumerate(range(0, width, 60)):  # bunting along a sagging string
        sag = 30 * math.sin(math.pi * x / width)
        draw.polygon(
            [(x, 40 + sag), (x + 50, 40 + sag), (x + 25, 95 + sag)], fill=BUNTING[n % len(BUNTING)]
        )
    draw.line([(x, 40 + 30 * math.sin(math.pi * x / width)) for x in range(0, width + 1, 20)],
              fill=(80, 80, 80), width=3)  # fmt: skip
    # the flip chart on its easel
    draw.line((700, 560, 760, 140), fill=(90, 90, 90), width=10)
    draw.line((1100, 560, 1040, 140), fill=(90, 90, 90), width=10)
    draw.rectangle((640, 130, 1160, 520), fill=(252, 252, 250), outline=(200, 200, 200), width=3)
    draw.text((670, 155), heading, font=_font(34), fill=accent)
    draw.line((670, 205, 1130, 205), fill=accent, width=3)
    for n, line in enumerate(lines[:6]):
        y = 230 + 46 * n
        draw.ellipse((680, y + 12, 690, y + 22), fill=(40, 40, 40))
        draw.text((702, y), line, font=_font(28), fill=(40, 40, 40))
    # the table, its sticky notes and paint pots
    for x in (80, 650):
        draw.rectangle((x, 720, x + 14, 785), fill=(90, 60, 36))
    draw.polygon([(120, 600), (620, 600), (680, 720), (60, 720)], fill=TABLE)
    for n in range(6):
        x, y = 140 + 48 * n, 612 + (n % 3) * 30
        draw.rectangle((x, y, x + 40, y + 32), fill=NOTE_COLOURS[n % len(NOTE_COLOURS)])
    for n, colour in enumerate(BUNTING[:4]):
        x = 440 + 52 * n
        draw.ellipse((x, 640, x + 44, 680), fill=colour, outline=(60, 60, 60), width=2)
    draw.line((450, 700, 560, 690), fill=(200, 170, 90), width=6)  # a brush
    draw.rectangle((700, 600, 720, 760), fill=(60, 60, 60))  # a stacking chair, side on
    draw.rectangle((700, 660, 790, 680), fill=(0, 112, 60))
    draw.line((790, 680, 790, 760), fill=(60, 60, 60), width=8)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return DemoFile(name, "image/jpeg", buffer.getvalue())


# ---------------------------------------------------------------------------------- voice note

RATE = 16_000
#: vowel formants (Hz) of a speaking voice: "ah", "ee", "oh", "eh"
VOWELS = [(730, 1090, 2440), (270, 2290, 3010), (570, 840, 2410), (530, 1840, 2480)]


def _formant_gain(frequency: float, formants) -> float:
    return sum(1 / (1 + ((frequency - f) / 110) ** 2) for f in formants) + 0.02


def voice_note(name: str = "voice-note.wav", seconds: float = 2.0) -> DemoFile:
    """A mono 16-bit WAV that sounds like a few spoken syllables: a pitch that rises and falls
    as speech does, its harmonics shaped by a different vowel each syllable."""
    samples = int(RATE * seconds)
    syllable, block = samples // 8, RATE // 100  # pitch and vowel change every 10 ms
    phase, frames = 0.0, bytearray()
    for start in range(0, samples, block):
        t = start / RATE
        pitch = 150 + 25 * math.sin(2 * math.pi * 0.6 * t) + 10 * math.sin(2 * math.pi * 3 * t)
        formants = VOWELS[(start // syllable) % len(VOWELS)]
        gains = [_formant_gain(k * pitch, formants) / k for k in range(1, 3500 // int(pitch))]
        step = 2 * math.pi * pitch / RATE
        for n in range(start, min(start + block, samples)):
            phase += step
            index, within = divmod(n, syllable)
            # three syllables, then a pause, twice over
            envelope = math.sin(math.pi * within / syllable) ** 2 if index % 4 != 3 else 0.0
            value = sum(g * math.sin(k * phase) for k, g in enumerate(gains, 1))
            sample = max(-1.0, min(1.0, 0.6 * envelope * value))
            frames += struct.pack("<h", int(sample * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return DemoFile(name, "audio/wav", buffer.getvalue())


# ---------------------------------------------------------------------------------------- PDF


def scanned_letter(
    name: str, heading: str, paragraphs: list[str], signatures: list[tuple[str, str]]
) -> DemoFile:
    """A one-page PDF that looks like a scan of a signed letter (A4 at 100 dpi); each signature
    is a person's name and the organisation they sign for."""
    width, height = 827, 1169
    page = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(page)
    draw.text((80, 80), heading, font=_font(28), fill=20)
    draw.line((80, 125, width - 80, 125), fill=90, width=2)
    y, body = 150, _font(18)
    for paragraph in paragraphs:
        for line in _wrap(draw, paragraph, body, width - 160):
            draw.text((80, y), line, font=body, fill=35)
            y += 27
        y += 14
    for n, (signer, organisation) in enumerate(signatures):
        x = 80 + n * 340
        squiggle = [
            (x + i * 5, y + 60 + (10 + i % 7) * math.sin(i * (0.7 + 0.1 * n))) for i in range(45)
        ]
        draw.line(squiggle, fill=40, width=3)
        draw.line((x, y + 90, x + 300, y + 90), fill=90, width=1)
        draw.text((x, y + 100), signer, font=_font(16), fill=35)
        draw.text((x, y + 122), organisation, font=_font(14), fill=70)
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=100)
    return DemoFile(name, "application/pdf", buffer.getvalue())


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            candidate = word
        line = candidate
    return [*lines, line] if line else lines
