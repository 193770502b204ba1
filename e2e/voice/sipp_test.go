package voice

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/voice/media"
)

// digitPCAP is sipp's shipped recording of an RFC 4733 digit (Debian sip-tester).
func digitPCAP(d string) string { return "/usr/share/sip-tester/dtmf_2833_" + d + ".pcap" }

// step is a piece of a sipp caller scenario between the ACK and the BYE.
type step string

func pause(d time.Duration) step {
	return step(fmt.Sprintf(`<pause milliseconds="%d"/>`, d.Milliseconds()))
}

// playPCAP starts sending a capture's RTP and goes on at once; a second play stops the
// first, so pause between them.
func playPCAP(path string) step {
	return step(fmt.Sprintf(`<nop><action><exec play_pcap_audio="%s"/></action></nop>`, path))
}

const sippInvite = `<send retrans="500"><![CDATA[

INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:%[1]s@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:%[1]s@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15

]]></send>
<recv response="100" optional="true"/>
<recv response="180" optional="true"/>
`

const sippAck = `<send><![CDATA[

ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:%[1]s@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: <sip:%[1]s@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
`

const sippBye = `<send retrans="500"><![CDATA[

BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:%[1]s@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Contact: <sip:%[1]s@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
<recv response="200" crlf="true"/>
`

// callerScenario writes a sipp scenario of a caller from number: INVITE, answered,
// the steps, BYE. With refusal set, the call must instead be refused with that status
// (the scenario ACKs it).
func callerScenario(t *testing.T, from string, refusal int, steps ...step) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="ISO-8859-1" ?>` + "\n<scenario name=\"hotline caller\">\n")
	fmt.Fprintf(&b, sippInvite, from)
	if refusal != 0 {
		fmt.Fprintf(&b, "<recv response=\"%d\"/>\n", refusal)
		// the ACK of a refusal belongs to the INVITE's transaction (its branch)
		fmt.Fprintf(&b, strings.Replace(sippAck, "[branch]", "[branch-4]", 1), from)
	} else {
		b.WriteString("<recv response=\"200\" rtd=\"true\"/>\n")
		fmt.Fprintf(&b, sippAck, from)
		for _, s := range steps {
			b.WriteString(string(s) + "\n")
		}
		fmt.Fprintf(&b, sippBye, from)
	}
	b.WriteString("</scenario>\n")
	path := filepath.Join(t.TempDir(), "caller.xml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tonePCAP writes a capture of an RTP stream (PCMU, 20 ms packets) of a sine of freq Hz
// lasting d, for sipp's play_pcap_audio: a caller that speaks a tone.
func tonePCAP(t *testing.T, freq float64, d time.Duration) string {
	t.Helper()
	var out []byte
	le := binary.LittleEndian
	out = le.AppendUint32(out, 0xa1b2c3d4)
	out = le.AppendUint16(out, 2)
	out = le.AppendUint16(out, 4)
	out = le.AppendUint32(out, 0)
	out = le.AppendUint32(out, 0)
	out = le.AppendUint32(out, 65535)
	out = le.AppendUint32(out, 1) // Ethernet
	pcm := make([]int16, 160)
	payload := make([]byte, 160)
	n := int(d / (20 * time.Millisecond))
	for i := range n {
		for j := range pcm {
			k := float64(i*160 + j)
			pcm[j] = int16(8000 * math.Sin(2*math.Pi*freq*k/8000))
		}
		media.EncodeUlaw(payload, pcm)
		rtp := []byte{0x80, 0}
		rtp = binary.BigEndian.AppendUint16(rtp, uint16(i))
		rtp = binary.BigEndian.AppendUint32(rtp, uint32(i*160))
		rtp = binary.BigEndian.AppendUint32(rtp, 0x1234abcd)
		rtp = append(rtp, payload...)
		udp := binary.BigEndian.AppendUint16(nil, 6000)
		udp = binary.BigEndian.AppendUint16(udp, 6000)
		udp = binary.BigEndian.AppendUint16(udp, uint16(8+len(rtp)))
		udp = binary.BigEndian.AppendUint16(udp, 0)
		udp = append(udp, rtp...)
		ip := []byte{0x45, 0}
		ip = binary.BigEndian.AppendUint16(ip, uint16(20+len(udp)))
		ip = append(ip, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1)
		var sum uint32
		for k := 0; k < 20; k += 2 {
			sum += uint32(binary.BigEndian.Uint16(ip[k:]))
		}
		sum = (sum >> 16) + (sum & 0xffff)
		sum += sum >> 16
		binary.BigEndian.PutUint16(ip[10:], ^uint16(sum))
		frame := append(make([]byte, 12), 0x08, 0x00)
		frame = append(frame, ip...)
		frame = append(frame, udp...)
		at := time.Duration(i) * 20 * time.Millisecond
		out = le.AppendUint32(out, uint32(at/time.Second))
		out = le.AppendUint32(out, uint32(at%time.Second/time.Microsecond))
		out = le.AppendUint32(out, uint32(len(frame)))
		out = le.AppendUint32(out, uint32(len(frame)))
		out = append(out, frame...)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("tone%.0f.pcap", freq))
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
