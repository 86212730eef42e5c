package store

import (
	"errors"
	"fmt"
	"testing"
)

type coded struct {
	msg  string
	code int
}

func (c *coded) Error() string { return c.msg }
func (c *coded) Code() int     { return c.code }

func TestClassifyReadsTheResultCode(t *testing.T) {
	cases := []struct {
		err  error
		want error
	}{
		{&coded{"database is locked (5)", 5}, ErrBusy},
		{&coded{"busy snapshot", 5 | 2<<8}, ErrBusy},
		{&coded{"attempt to write a readonly database (8)", 8}, ErrReadOnly},
		{&coded{"database or disk is full (13)", 13}, ErrDiskFull},
		{&coded{"file is not a database (26)", 26}, ErrNotDatabase},
		{fmt.Errorf("ban: %w", &coded{"malformed", 11}), ErrNotDatabase},
		{errors.New("database is locked"), ErrBusy},
	}
	for _, c := range cases {
		if got := Classify(c.err); !errors.Is(got, c.want) || !errors.Is(got, c.err) {
			t.Errorf("Classify(%v) = %v, want %v wrapping the original", c.err, got, c.want)
		}
	}
	// User text that merely contains a number in brackets is not a fault.
	for _, err := range []error{errors.New("“(5)” is not an IP address"), &coded{"constraint failed", 19}} {
		if got := Classify(err); got != err {
			t.Errorf("Classify(%v) = %v, want it unchanged", err, got)
		}
	}
}
