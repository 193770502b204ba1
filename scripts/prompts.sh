#!/usr/bin/env bash
# Generates Hotline's default IVR prompts once: Chinese and English speech by espeak-ng,
# converted by sox to 8 kHz 16-bit mono WAV (what the telephone path plays without
# resampling), plus a music-on-hold melody. The output is committed under
# internal/ivr/prompts, so nobody needs these tools to build or run Hotline.
#
#   bash scripts/prompts.sh            # (re)generate every prompt
#
# Needs espeak-ng and sox (Debian packages espeak-ng, sox).
set -euo pipefail
cd "$(dirname "$0")/.."
out=internal/ivr/prompts
for tool in espeak-ng sox; do
	command -v "$tool" >/dev/null || { echo "prompts.sh: $tool is not installed (apt-get install espeak-ng sox)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# speak LANG NAME TEXT: one prompt, silence trimmed at both ends, 8 kHz 16-bit mono.
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

# Prompts of the demo flow and the ACD's announcements.
while IFS='|' read -r name zh en; do
	[ -n "$name" ] || continue
	speak zh "$name" "$zh"
	speak en "$name" "$en"
done <<'LIST'
welcome|您好，欢迎致电华强电脑服务热线。|Hello, and thank you for calling the Huaqiang computer service hotline.
main_menu|售前咨询请按1，技术支持请按2，维修进度查询请按3，投诉建议请按4，人工服务请按0。|For sales, press 1. For technical support, press 2. For repair status, press 3. For complaints, press 4. To speak to an agent, press 0.
invalid|您的输入有误，请重新输入。|Sorry, that is not a valid choice.
no_input|我们没有收到您的输入。|We did not receive your choice.
closed|我们的服务时间是每天8点到22点，现在已下班。|Our hours are 8 a.m. to 10 p.m. daily. We are closed now.
voicemail|请在提示音后留言，按井号键结束。|Please leave a message after the tone, and press hash when you are done.
goodbye|感谢您的来电，再见。|Thank you for calling. Goodbye.
please_hold|请稍候，正在为您转接。|Please hold while we connect you.
all_busy|坐席正忙，请您耐心等待。|All our agents are busy. Please stay on the line.
position|您前面还有|Your position in the queue is
estimated_wait|预计等待时间|The estimated waiting time is
minutes|分钟|minutes
transferring|正在为您转接，请稍候。|Transferring your call, please wait.
enter_phone|请输入您报修时登记的手机号码，以井号键结束。|Please enter the phone number of your repair order, followed by the hash key.
repair_status|您的维修单状态是|The status of your repair order is
repair_eta|预计完成日期|It is expected to be ready on
repair_none|没有查到您的维修单。|We could not find a repair order for your number.
lookup_error|暂时无法查询，为您转接人工服务。|We cannot look that up now. Connecting you to an agent.
LIST

# Words for speaking numbers, amounts and dates when espeak-ng is missing at run time.
say_zh=(0:零 1:一 2:二 3:三 4:四 5:五 6:六 7:七 8:八 9:九 ten:十 hundred:百 thousand:千
	wan:万 yi:亿 point:点 minus:负 yuan:元 jiao:角 fen:分 year:年 month:月 day:日)
for pair in "${say_zh[@]}"; do speak zh "say_${pair%%:*}" "${pair#*:}"; done
say_en=(0:zero 1:one 2:two 3:three 4:four 5:five 6:six 7:seven 8:eight 9:nine 10:ten
	11:eleven 12:twelve 13:thirteen 14:fourteen 15:fifteen 16:sixteen 17:seventeen
	18:eighteen 19:nineteen 20:twenty 30:thirty 40:forty 50:fifty 60:sixty 70:seventy
	80:eighty 90:ninety hundred:hundred thousand:thousand million:million billion:billion
	point:point minus:minus dollars:dollars cents:cents)
for pair in "${say_en[@]}"; do speak en "say_${pair%%:*}" "${pair#*:}"; done

# Music on hold: a slow, soft arpeggio in C major (I-vi-IV-V), 8 kHz 16-bit mono, 10 s;
# players loop it.
notes=(C4 E4 G4 C5 A3 C4 E4 A4 F3 A3 C4 F4 G3 B3 D4 G4)
parts=()
i=0
for n in "${notes[@]}"; do
	sox -n -r 8000 -b 16 -c 1 "$tmp/n$i.wav" synth 0.625 sine "$n" sine "$n" fade q 0.02 0.625 0.3 gain -16 remix 1
	parts+=("$tmp/n$i.wav")
	i=$((i + 1))
done
sox "${parts[@]}" "$tmp/moh.wav"
sox "$tmp/moh.wav" -r 8000 -b 16 -c 1 "$out/moh.wav" reverb 40 lowpass 2000 gain -n -6
du -sh "$out"
