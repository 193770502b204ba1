#!/usr/bin/env bash
# Generates the keypad survey's prompts once (like scripts/prompts.sh for the IVR):
# Chinese and English speech by espeak-ng, 8 kHz 16-bit mono WAV by sox, committed under
# internal/survey/prompts so that nobody needs these tools to build or run Hotline.
#
#   bash scripts/survey-prompts.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=internal/survey/prompts
for tool in espeak-ng sox; do
	command -v "$tool" >/dev/null || { echo "survey-prompts.sh: $tool is not installed (apt-get install espeak-ng sox)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
speak() {
	local lang=$1 name=$2 text=$3 voice speed
	case $lang in
	zh) voice=cmn speed=280 ;;
	en) voice=en-us speed=205 ;;
	esac
	mkdir -p "$out/$lang"
	espeak-ng -v "$voice" -s "$speed" -w "$tmp/raw.wav" -- "$text"
	sox "$tmp/raw.wav" -r 8000 -b 16 -c 1 -e signed-integer "$out/$lang/$name.wav" \
		silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 0.05 gain -n -3
}
while IFS='|' read -r name zh en; do
	[ -n "$name" ] || continue
	speak zh "$name" "$zh"
	speak en "$name" "$en"
done <<'LIST'
rate|请您对本次服务进行评价。非常满意请按5，满意请按4，一般请按3，不满意请按2，非常不满意请按1。|Please rate the service you received. Press 5 for very satisfied, down to 1 for very dissatisfied.
rate2|您的问题解决得怎么样？完全解决请按5，没有解决请按1。|How well was your problem solved? Press 5 for completely, down to 1 for not at all.
invalid|输入有误，请按1到5之间的数字。|Sorry, please press a number from 1 to 5.
thanks|感谢您的评价，再见。|Thank you for your feedback. Goodbye.
LIST
