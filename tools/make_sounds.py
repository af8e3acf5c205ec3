"""Write the bench tones (resources/sounds/*.wav) with the standard library alone.

The tones are shipped data; this script is how they were made and how to remake them.
Each tone differs in pitch *and* rhythm so an operator who cannot look at the screen,
or who cannot tell pitches apart, still knows what happened: one short high beep is
good, two long low pulses are bad, two middle beeps are a warning, a tick is a duplicate.
"""

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 22050
FADE_S = 0.005  # a click-free start and end for every pulse
VOLUME = 0.6

# name: (frequency in Hz, pulse length in s, pulses, silence between pulses in s)
TONES = {
    "good": (1200, 0.120, 1, 0.0),
    "bad": (300, 0.250, 2, 0.100),  # two pulses, 600 ms in all
    "warn": (700, 0.150, 2, 0.080),
    "duplicate": (900, 0.060, 1, 0.0),
}


def pulse(frequency: float, seconds: float) -> list[float]:
    count = int(RATE * seconds)
    fade = int(RATE * FADE_S)
    samples = []
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples.append(VOLUME * envelope * math.sin(2 * math.pi * frequency * i / RATE))
    return samples


def tone(frequency: float, seconds: float, pulses: int, gap: float) -> list[float]:
    samples: list[float] = []
    for index in range(pulses):
        if index:
            samples.extend([0.0] * int(RATE * gap))
        samples.extend(pulse(frequency, seconds))
    return samples


def write_wav(target: Path, samples: list[float]) -> None:
    frames = b"".join(struct.pack("<h", round(s * 32767)) for s in samples)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).parents[1] / "resources" / "sounds"
    folder.mkdir(parents=True, exist_ok=True)
    for name, spec in TONES.items():
        write_wav(folder / f"{name}.wav", tone(*spec))
        print(f"wrote {folder / name}.wav")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
