package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gobsl/gobsl/internal/iocount"
)

// progress shows records, bytes, rate and ETA on standard error while a
// long command runs, only when standard error is a terminal and --quiet is
// not given. It never writes to a pipe.
type progress struct {
	w       io.Writer
	start   time.Time
	total   int64 // input bytes expected, 0 if unknown
	bytes   atomic.Int64
	records atomic.Int64
	done    chan struct{}
	stopped chan struct{}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// startProgress returns a running progress display, or nil (whose methods
// do nothing) when w is not a terminal or quiet is set.
func startProgress(w io.Writer, quiet bool, totalBytes int64) *progress {
	if quiet || !isTerminal(w) {
		return nil
	}
	p := &progress{w: w, start: time.Now(), total: totalBytes, done: make(chan struct{}), stopped: make(chan struct{})}
	go p.loop()
	return p
}

func (p *progress) addRecords(n int64) {
	if p != nil {
		p.records.Add(n)
	}
}

func (p *progress) addBytes(n int64) {
	if p != nil {
		p.bytes.Add(n)
	}
}

// reader counts the bytes read through r.
func (p *progress) reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &iocount.Reader{R: r, Add: p.addBytes}
}

func (p *progress) loop() {
	defer close(p.stopped)
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			fmt.Fprint(p.w, "\r\033[K")
			return
		case <-t.C:
			fmt.Fprint(p.w, "\r\033[K"+p.line())
		}
	}
}

func (p *progress) line() string {
	el := time.Since(p.start).Seconds()
	b, r := p.bytes.Load(), p.records.Load()
	s := fmt.Sprintf("%d records, %s", r, humanBytes(b))
	if el > 0 {
		s += fmt.Sprintf(", %s/s, %.0f rec/s", humanBytes(int64(float64(b)/el)), float64(r)/el)
	}
	if p.total > 0 && b > 0 && b <= p.total {
		eta := time.Duration(el * float64(p.total-b) / float64(b) * float64(time.Second))
		s += fmt.Sprintf(", %d%%, ETA %s", b*100/p.total, eta.Round(time.Second))
	}
	return s
}

// restart counts from zero again, for a second read of the same input
// (rates still count from the first start).
func (p *progress) restart() {
	if p != nil {
		p.bytes.Store(0)
		p.records.Store(0)
	}
}

func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.done)
	<-p.stopped
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// addRecordsFunc returns a callback that counts records, or nil.
func (p *progress) addRecordsFunc() func(int64) {
	if p == nil {
		return nil
	}
	return p.addRecords
}

// addBytesFunc returns a callback that counts input bytes, or nil.
func (p *progress) addBytesFunc() func(int64) {
	if p == nil {
		return nil
	}
	return p.addBytes
}

// countRows counts the rows of the batches read through r.
func countRows(r array.RecordReader, p *progress) array.RecordReader {
	if p == nil {
		return r
	}
	return &iocount.Rows{RecordReader: r, Add: p.addRecords}
}
