#!/usr/bin/env bash
# Regenerates spoken-digits.pcm.gz and spoken-digits.json: the words "zero".."nine" synthesised by
# espeak-ng in 40 voices (an English accent + a voice variant each), every voice at its own speed and
# pitch, 8 kHz mono, silence trimmed, placed a little after the start and padded to exactly 1 s.
# Not run by the build or CI; needs Debian's espeak-ng and sox:
#   apt-get install espeak-ng sox && bash samples/data/speech/make-spoken-digits.sh
# Deterministic for a given espeak-ng/sox version: bash's RANDOM is seeded, sox -D adds no (random)
# dither, gzip -n stores no time.
set -euo pipefail
cd "$(dirname "$0")"

RATE=8000
DIGITS=(zero one two three four five six seven eight nine)
ACCENTS=(en-us en-gb en-gb-scotland en-gb-x-rp en-gb-x-gbclan en-gb-x-gbcwmd en-029 en-us-nyc)
# One voice variant per speaker, so no test speaker shares a timbre with a training speaker.
VARIANTS=(m1 f1 m2 f2 m3 f3 m4 f4 m5 f5 m6 m7 m8 klatt klatt2 klatt3 Alex Alicia Andrea Andy Annie
          Denis Diogo Gene Henrique Hugo Lee Marco Michael Mike adam anika aunty belinda benjamin
          boris caleb david ed linda)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
RANDOM=20240601

espeak-ng --version | sed "s/ *Data at.*//" >"$work/version"
index="$work/clips.json"
: >"$index"
: >"$work/all.raw"
first=1
for s in "${!VARIANTS[@]}"; do
  variant=${VARIANTS[$s]}
  accent=${ACCENTS[$((s % ${#ACCENTS[@]}))]}
  speaker=$(printf 's%02d' "$s")
  speed=$((130 + RANDOM % 71))   # words per minute, 130..200
  pitch=$((25 + RANDOM % 51))    # 0..99, espeak's default is 50
  for d in "${!DIGITS[@]}"; do
    lead_cs=$((5 + RANDOM % 16))   # 0.05..0.20 s of silence before the word (RANDOM outside $(...): subshells reseed it)
    lead=$(printf '0.%02d' "$lead_cs")
    espeak-ng -v "$accent+$variant" -s "$speed" -p "$pitch" -w "$work/clip.wav" "${DIGITS[$d]}"
    # 8 kHz first (resampling after norm would overshoot the peak), trim leading/trailing silence,
    # peak at -1 dBFS, lead-in, then exactly 1 s of 16-bit mono.
    sox -D "$work/clip.wav" -t raw -r "$RATE" -c 1 -b 16 -e signed-integer -L "$work/clip.raw" \
      rate "$RATE" silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse norm -1 pad "$lead" 1 trim 0 1 2>/dev/null
    bytes=$(stat -c %s "$work/clip.raw")
    [ "$bytes" -eq $((RATE * 2)) ] || { echo "clip $speaker ${DIGITS[$d]} has $bytes bytes" >&2; exit 1; }
    cat "$work/clip.raw" >>"$work/all.raw"
    [ $first -eq 1 ] || printf ',\n' >>"$index"
    first=0
    printf '    {"digit": %d, "speaker": "%s", "accent": "%s", "variant": "%s", "speed": %d, "pitch": %d}' \
      "$d" "$speaker" "$accent" "$variant" "$speed" "$pitch" >>"$index"
  done
done

gzip -n -9 -c "$work/all.raw" >spoken-digits.pcm.gz
{
  printf '{\n  "format": "int16 little-endian PCM, gzip; clips back to back, each samplesPerClip long",\n'
  printf '  "sampleRate": %d,\n  "samplesPerClip": %d,\n' "$RATE" "$RATE"
  printf '  "classes": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],\n'
  printf '  "generator": "%s; sox %s",\n' "$(cat "$work/version")" "$(sox --version | sed 's/.*SoX //')"
  printf '  "clips": [\n'
  cat "$index"
  printf '\n  ]\n}\n'
} >spoken-digits.json
echo "wrote $(( $(stat -c %s "$work/all.raw") / (RATE * 2) )) clips, $(stat -c %s spoken-digits.pcm.gz) bytes gzipped" >&2
