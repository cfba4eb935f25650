package deploycheck

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Instruction is one Dockerfile instruction, continuation lines joined.
type Instruction struct {
	Line int    // where it starts, from 1
	Cmd  string // upper case: FROM, COPY, RUN, ...
	Args string // the rest, continuation backslashes and newlines removed
}

// Flags returns the instruction's leading --flags (such as --from=build) and
// the arguments after them.
func (in Instruction) Flags() (flags map[string]string, args []string) {
	flags = map[string]string{}
	fields := strings.Fields(in.Args)
	for len(fields) > 0 && strings.HasPrefix(fields[0], "--") {
		k, v, _ := strings.Cut(strings.TrimPrefix(fields[0], "--"), "=")
		flags[k] = v
		fields = fields[1:]
	}
	return flags, fields
}

// ParseDockerfile splits a Dockerfile into instructions. It knows what the
// deployment's Dockerfile uses (comments, parser directives, backslash
// continuations); heredocs are not supported and are an error.
func ParseDockerfile(r io.Reader) ([]Instruction, error) {
	var out []Instruction
	sc := bufio.NewScanner(r)
	var cur *Instruction
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur == nil) {
			continue // comments may sit inside a continued instruction, too
		}
		if strings.Contains(line, "<<") {
			return nil, fmt.Errorf("line %d: heredocs are not supported", n)
		}
		cont := strings.HasSuffix(line, "\\")
		line = strings.TrimSpace(strings.TrimSuffix(line, "\\"))
		if cur == nil {
			cmd, args, _ := strings.Cut(line, " ")
			cur = &Instruction{Line: n, Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		} else if line != "" {
			cur.Args += " " + line
		}
		if !cont {
			out = append(out, *cur)
			cur = nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: instruction ends with a continuation", cur.Line)
	}
	return out, nil
}
