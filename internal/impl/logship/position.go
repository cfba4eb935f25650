package logship

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// FileID identifies a file across renames: its device and inode.
type FileID struct {
	Dev uint64 `json:"dev"`
	Ino uint64 `json:"ino"`
}

// fileID is fi's identity, or nil where the system does not say.
func fileID(fi fs.FileInfo) *FileID {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &FileID{Dev: uint64(st.Dev), Ino: st.Ino}
}

// Position is how far a file has been read: the offset just after a line.
type Position struct {
	File   FileID `json:"file"`
	Offset int64  `json:"offset"`
}

// Positions is the state file: for each followed path, how far its file has
// been acknowledged by the server. A restarted agent resumes there when the
// path still names the same file, not shorter than that. It is written
// (atomically: a temp file renamed over it) after every acknowledged batch.
type Positions struct {
	path string
	mu   sync.Mutex
	m    map[string]Position
}

// LoadPositions reads the state file at path; a missing file is an empty state.
func LoadPositions(path string) (*Positions, error) {
	p := &Positions{path: path, m: map[string]Position{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	if err := json.Unmarshal(b, &p.m); err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	return p, nil
}

// Get is the acknowledged position of source, if any.
func (p *Positions) Get(source string) (Position, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pos, ok := p.m[source]
	return pos, ok
}

// Advance records the positions of acknowledged lines, by source, and writes the file.
func (p *Positions) Advance(acked map[string]Position) error {
	if len(acked) == 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for source, pos := range acked {
		p.m[source] = pos
	}
	b, err := json.MarshalIndent(p.m, "", "  ")
	if err != nil {
		return err
	}
	tmp := p.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if err := os.Rename(tmp, p.path); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	return nil
}

// resumeOffset is where to start reading f, opened at path: the recorded
// position when it is of this very file and within it.
func resumeOffset(pos *Position, f *os.File) (int64, bool) {
	if pos == nil {
		return 0, false
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, false
	}
	id := fileID(fi)
	if id == nil || *id != pos.File || pos.Offset > fi.Size() {
		return 0, false
	}
	return pos.Offset, true
}
