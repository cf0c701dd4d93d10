package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Journal is siren's record stream in one append-only file: each record is
// a 4-byte big-endian length followed by the record, and every Append is
// fsync'ed before it returns (siren applies a record only once it is
// stored). siren checks each record itself (length, version, checksum,
// sequence), so the frame carries no checksum of its own.
//
// OpenJournal reads the whole file; Next hands the records to siren.Open,
// oldest first. A torn tail (an incomplete frame left by a crash) ends the
// stream; Truncate then cuts the file back to the prefix siren accepted.
type Journal struct {
	f    *os.File
	recs [][]byte // the records read at open, until Truncate
	ends []int64  // file offset just after each of recs
	read int      // records Next has given
	size int64    // bytes of the file that are valid frames
	torn int64    // bytes after them at open
}

// maxRecord bounds a frame's length: anything larger is taken as damage.
const maxRecord = 64 << 20

// OpenJournal opens (creating it if needed) the journal at path.
func OpenJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	j := &Journal{f: f}
	if err := j.load(); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if j.size == 0 && j.torn == 0 {
		// A new file: make its directory entry durable too.
		if d, err := os.Open(filepath.Dir(path)); err == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	return j, nil
}

func (j *Journal) load() error {
	data, err := io.ReadAll(j.f)
	if err != nil {
		return err
	}
	off := int64(0)
	for {
		rest := data[off:]
		if len(rest) < 4 {
			break
		}
		n := int64(binary.BigEndian.Uint32(rest))
		if n == 0 || n > maxRecord || int64(len(rest)-4) < n {
			break
		}
		j.recs = append(j.recs, rest[4:4+n])
		off += 4 + n
		j.ends = append(j.ends, off)
	}
	j.size, j.torn = off, int64(len(data))-off
	return nil
}

// Records is the number of whole records the file held at open.
func (j *Journal) Records() int { return len(j.recs) }

// TornBytes is the number of bytes after the last whole frame at open.
func (j *Journal) TornBytes() int64 { return j.torn }

// Next gives the next stored record, and nil, nil after the last one
// (siren.StorageReader).
func (j *Journal) Next() ([]byte, error) {
	if j.read >= len(j.recs) {
		return nil, nil
	}
	j.read++
	return j.recs[j.read-1], nil
}

// Truncate cuts the file to the records whose payload adds up to
// payloadBytes (siren.OpenReport.Bytes: the prefix siren applied), dropping
// a torn or damaged tail, and forgets the records read at open.
func (j *Journal) Truncate(payloadBytes uint64) (dropped int64, err error) {
	end, sum := int64(0), uint64(0)
	for i, r := range j.recs {
		if sum == payloadBytes {
			break
		}
		sum += uint64(len(r))
		end = j.ends[i]
	}
	if sum != payloadBytes {
		return 0, fmt.Errorf("journal: %d payload bytes is not a record boundary", payloadBytes)
	}
	total := j.size + j.torn
	if end < total {
		if err := j.f.Truncate(end); err != nil {
			return 0, err
		}
		if err := j.f.Sync(); err != nil {
			return 0, err
		}
	}
	j.size, j.torn, j.recs, j.ends = end, 0, nil, nil
	return total - end, nil
}

// Append stores one record durably (siren.Storage). On a failed write the
// file is cut back to what it held, so that no partial frame stays.
func (j *Journal) Append(rec []byte) error {
	if len(rec) == 0 || len(rec) > maxRecord {
		return fmt.Errorf("journal: record of %d bytes refused", len(rec))
	}
	buf := make([]byte, 4+len(rec))
	binary.BigEndian.PutUint32(buf, uint32(len(rec)))
	copy(buf[4:], rec)
	if _, err := j.f.WriteAt(buf, j.size); err != nil {
		_ = j.f.Truncate(j.size)
		return err
	}
	if err := j.f.Sync(); err != nil {
		_ = j.f.Truncate(j.size)
		return err
	}
	j.size += int64(len(buf))
	return nil
}

// Close closes the file.
func (j *Journal) Close() error { return j.f.Close() }
