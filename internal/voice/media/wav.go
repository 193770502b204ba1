package media

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hotlinecc/hotline/internal/voice"
)

// WAV files in Hotline are 8 kHz 16-bit PCM: mono for prompts and voicemail, stereo for
// call recordings (left the caller, right the agent). Other formats are refused with an
// error that says what the file holds, since nothing resamples.

// ErrWAVFormat is wrapped by every error about a WAV file's format.
var ErrWAVFormat = errors.New("not an 8 kHz 16-bit PCM WAV file")

const wavHeaderSize = 44

// wavFormat is what a WAV file's fmt chunk says, and where its data chunk starts.
type wavFormat struct {
	channels   int
	rate       int
	bits       int
	dataOffset int64
	dataSize   int64 // as the header says (may be wrong after a crash)
}

// readWAVHeader reads the RIFF header and chunks up to the data chunk.
func readWAVHeader(r io.Reader) (wavFormat, error) {
	var f wavFormat
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return f, fmt.Errorf("%w: short header", ErrWAVFormat)
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return f, fmt.Errorf("%w: no RIFF/WAVE header", ErrWAVFormat)
	}
	off := int64(12)
	haveFmt := false
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return f, fmt.Errorf("%w: no data chunk", ErrWAVFormat)
		}
		off += 8
		size := int64(binary.LittleEndian.Uint32(ch[4:]))
		switch string(ch[0:4]) {
		case "fmt ":
			if size < 16 || size > 1024 {
				return f, fmt.Errorf("%w: fmt chunk of %d bytes", ErrWAVFormat, size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return f, fmt.Errorf("%w: short fmt chunk", ErrWAVFormat)
			}
			tag := binary.LittleEndian.Uint16(b[0:])
			f.channels = int(binary.LittleEndian.Uint16(b[2:]))
			f.rate = int(binary.LittleEndian.Uint32(b[4:]))
			f.bits = int(binary.LittleEndian.Uint16(b[14:]))
			if tag == 0xFFFE && size >= 40 { // WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
				tag = binary.LittleEndian.Uint16(b[24:])
			}
			if tag != 1 {
				return f, fmt.Errorf("%w: encoding %#x is not PCM", ErrWAVFormat, tag)
			}
			if f.rate != voice.SampleRate || f.bits != 16 || f.channels < 1 || f.channels > 2 {
				return f, fmt.Errorf("%w: %d Hz, %d bits, %d channels", ErrWAVFormat, f.rate, f.bits, f.channels)
			}
			haveFmt = true
			off += int64(len(b))
		case "data":
			if !haveFmt {
				return f, fmt.Errorf("%w: data before fmt", ErrWAVFormat)
			}
			f.dataOffset, f.dataSize = off, size
			return f, nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return f, fmt.Errorf("%w: short %q chunk", ErrWAVFormat, ch[0:4])
			}
			off += size + size%2
		}
	}
}

// WAV is a whole WAV file in memory, one slice of samples per channel.
type WAV struct {
	Channels [][]int16
}

// ReadWAV reads a mono or stereo 8 kHz 16-bit PCM WAV file. A data size in the header
// larger than the file (an unrepaired crash) reads to the end of the file.
func ReadWAV(path string) (*WAV, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := readWAVHeader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	data := b[f.dataOffset:]
	if f.dataSize < int64(len(data)) {
		data = data[:f.dataSize]
	}
	n := len(data) / (2 * f.channels)
	w := &WAV{Channels: make([][]int16, f.channels)}
	for c := range w.Channels {
		w.Channels[c] = make([]int16, n)
		for i := range n {
			w.Channels[c][i] = int16(binary.LittleEndian.Uint16(data[2*(i*f.channels+c):]))
		}
	}
	return w, nil
}

// WAVFile streams a mono WAV file as frames; the last frame is padded with silence. It
// implements voice.Source, io.Closer and Rewind (for Loop).
type WAVFile struct {
	f      *os.File
	r      *bufio.Reader
	fmt    wavFormat
	left   int64 // data bytes not yet read
	buf    [voice.FrameSamples * 2]byte
	frames int
}

// OpenWAV opens an 8 kHz 16-bit mono PCM WAV file for playback.
func OpenWAV(path string) (*WAVFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	w := &WAVFile{f: f, r: bufio.NewReaderSize(f, 8192)}
	w.fmt, err = readWAVHeader(w.r)
	if err == nil && w.fmt.channels != 1 {
		err = fmt.Errorf("%w: %d channels, prompts must be mono", ErrWAVFormat, w.fmt.channels)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("media: open %s: %w", path, err)
	}
	w.left = w.fmt.dataSize
	return w, nil
}

// ReadFrame reads the next 20 ms.
func (w *WAVFile) ReadFrame(fr *voice.Frame) error {
	if w.left < 2 {
		return io.EOF
	}
	want := min(int64(len(w.buf)), w.left&^1)
	n, err := io.ReadFull(w.r, w.buf[:want])
	n &^= 1
	if n == 0 {
		w.left = 0
		if err == nil || err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		return err
	}
	w.left -= int64(n)
	if err != nil { // the file is shorter than its header says
		w.left = 0
	}
	i := 0
	for ; i < n/2; i++ {
		fr[i] = int16(binary.LittleEndian.Uint16(w.buf[2*i:]))
	}
	clear(fr[i:])
	w.frames++
	return nil
}

// Rewind goes back to the first frame.
func (w *WAVFile) Rewind() error {
	if _, err := w.f.Seek(w.fmt.dataOffset, io.SeekStart); err != nil {
		return err
	}
	w.r.Reset(w.f)
	w.left = w.fmt.dataSize
	return nil
}

// Close closes the file.
func (w *WAVFile) Close() error { return w.f.Close() }

// WAVWriter writes a mono or stereo 8 kHz 16-bit WAV file. The header's sizes are
// rewritten every second of audio, so a process that is killed loses at most the last
// second; RepairWAV fixes the header of a file whose writer never closed it.
type WAVWriter struct {
	f        *os.File
	w        *bufio.Writer
	channels int
	data     int64 // data bytes written
	synced   int64 // data bytes covered by the header on disk
	buf      [voice.FrameSamples * 4]byte
	err      error
}

// syncEvery is how much audio may be lost to a crash.
const syncEvery = voice.SampleRate * 2 // one second of mono; two channels double it

// CreateWAV creates (or truncates) path for channels (1 or 2) of 8 kHz 16-bit PCM.
func CreateWAV(path string, channels int) (*WAVWriter, error) {
	if channels != 1 && channels != 2 {
		return nil, fmt.Errorf("media: create %s: %d channels", path, channels)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return nil, err
	}
	w := &WAVWriter{f: f, w: bufio.NewWriterSize(f, 16384), channels: channels}
	var h [wavHeaderSize]byte
	wavHeader(&h, channels, 0)
	if _, err := w.w.Write(h[:]); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func wavHeader(h *[wavHeaderSize]byte, channels int, data int64) {
	le := binary.LittleEndian
	copy(h[0:], "RIFF")
	le.PutUint32(h[4:], uint32(36+data))
	copy(h[8:], "WAVEfmt ")
	le.PutUint32(h[16:], 16)
	le.PutUint16(h[20:], 1) // PCM
	le.PutUint16(h[22:], uint16(channels))
	le.PutUint32(h[24:], voice.SampleRate)
	le.PutUint32(h[28:], uint32(voice.SampleRate*2*channels))
	le.PutUint16(h[32:], uint16(2*channels))
	le.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	le.PutUint32(h[40:], uint32(data))
}

// WriteMono appends a frame to a mono file.
func (w *WAVWriter) WriteMono(f *voice.Frame) error {
	if w.channels != 1 {
		return fmt.Errorf("media: WriteMono to a %d-channel file", w.channels)
	}
	for i, s := range f {
		binary.LittleEndian.PutUint16(w.buf[2*i:], uint16(s))
	}
	return w.write(w.buf[:2*voice.FrameSamples])
}

// WriteStereo appends a frame to each channel of a stereo file.
func (w *WAVWriter) WriteStereo(left, right *voice.Frame) error {
	if w.channels != 2 {
		return fmt.Errorf("media: WriteStereo to a %d-channel file", w.channels)
	}
	for i := range voice.FrameSamples {
		binary.LittleEndian.PutUint16(w.buf[4*i:], uint16(left[i]))
		binary.LittleEndian.PutUint16(w.buf[4*i+2:], uint16(right[i]))
	}
	return w.write(w.buf[:4*voice.FrameSamples])
}

func (w *WAVWriter) write(b []byte) error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.w.Write(b); err != nil {
		w.err = err
		return err
	}
	w.data += int64(len(b))
	if w.data-w.synced >= int64(syncEvery*w.channels) {
		return w.Sync()
	}
	return nil
}

// Duration is how much audio has been written.
func (w *WAVWriter) Duration() int64 { return w.data / int64(2*w.channels) }

// Sync writes the buffered audio and the header's sizes to the file.
func (w *WAVWriter) Sync() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		w.err = err
		return err
	}
	var h [wavHeaderSize]byte
	wavHeader(&h, w.channels, w.data)
	if _, err := w.f.WriteAt(h[4:8], 4); err != nil {
		w.err = err
		return err
	}
	if _, err := w.f.WriteAt(h[40:44], 40); err != nil {
		w.err = err
		return err
	}
	w.synced = w.data
	return nil
}

// Close syncs and closes the file.
func (w *WAVWriter) Close() error {
	err := w.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// RepairWAV fixes the RIFF and data sizes of a WAV file from its length, after a crash of
// the process that wrote it. A trailing partial sample frame is cut off. It returns the
// number of audio bytes the file holds.
func RepairWAV(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	wf, err := readWAVHeader(bufio.NewReader(f))
	if err != nil {
		return 0, fmt.Errorf("media: repair %s: %w", path, err)
	}
	block := int64(2 * wf.channels)
	data := (st.Size() - wf.dataOffset) / block * block
	if data < 0 {
		data = 0
	}
	if err := f.Truncate(wf.dataOffset + data); err != nil {
		return 0, err
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(wf.dataOffset-8+data))
	if _, err := f.WriteAt(b[:], 4); err != nil {
		return 0, err
	}
	binary.LittleEndian.PutUint32(b[:], uint32(data))
	if _, err := f.WriteAt(b[:], wf.dataOffset-4); err != nil {
		return 0, err
	}
	return data, f.Sync()
}
