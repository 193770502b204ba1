package media

import (
	"strings"
	"sync"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
)

// Recorder is a voice.Recording that writes frames to a WAVWriter and stops by its rules:
// the maximum duration (counted in audio written), a terminator digit, or Stop. Engines
// feed it frames from their media tick and digits from their DTMF decoder.
type Recorder struct {
	mu      sync.Mutex
	w       *WAVWriter
	path    string
	max     int64 // samples per channel; 0 is no limit
	terms   string
	done    chan struct{}
	stopped bool
	info    voice.RecordInfo
	err     error
}

// NewRecorder records to w (created for path) until max (0: no limit) or a digit in terms.
func NewRecorder(w *WAVWriter, path string, max time.Duration, terms string) *Recorder {
	return &Recorder{
		w: w, path: path, terms: terms, done: make(chan struct{}),
		max: int64(max / (time.Second / voice.SampleRate)),
	}
}

// WriteMono adds a frame to a mono recording; false means the recording has stopped.
func (r *Recorder) WriteMono(f *voice.Frame) bool { return r.write(f, nil) }

// WriteStereo adds a frame to each channel; false means the recording has stopped.
func (r *Recorder) WriteStereo(left, right *voice.Frame) bool { return r.write(left, right) }

func (r *Recorder) write(left, right *voice.Frame) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	var err error
	if right == nil {
		err = r.w.WriteMono(left)
	} else {
		err = r.w.WriteStereo(left, right)
	}
	if err != nil {
		r.err = err
		r.finishLocked("")
		return false
	}
	if r.max > 0 && r.w.Duration() >= r.max {
		r.finishLocked("")
		return false
	}
	return true
}

// Digit stops the recording if d is one of its terminators and reports whether it did
// (the engine then does not buffer the digit for Collect).
func (r *Recorder) Digit(d byte) bool {
	if strings.IndexByte(r.terms, d) < 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	r.finishLocked(string(d))
	return true
}

func (r *Recorder) finishLocked(term string) {
	r.stopped = true
	if err := r.w.Close(); err != nil && r.err == nil {
		r.err = err
	}
	r.info = voice.RecordInfo{
		Path:       r.path,
		Duration:   time.Duration(r.w.Duration()) * (time.Second / voice.SampleRate),
		Terminator: term,
	}
	close(r.done)
}

// Done is closed when the recording has stopped.
func (r *Recorder) Done() <-chan struct{} { return r.done }

// Stop stops the recording and tells what it holds.
func (r *Recorder) Stop() (voice.RecordInfo, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stopped {
		r.finishLocked("")
	}
	return r.info, r.err
}
