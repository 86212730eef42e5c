package cli

import (
	"errors"
	"testing"

	"banlist/backend/httpapi"
)

func TestServeBindRules(t *testing.T) {
	long := "0123456789abcdef-token"
	cases := []struct {
		addr string
		opts httpapi.Options
		ok   bool
	}{
		{"127.0.0.1:8080", httpapi.Options{}, true},
		{"[::1]:8080", httpapi.Options{}, true},
		{"localhost:0", httpapi.Options{}, true},
		{"0.0.0.0:8080", httpapi.Options{}, false},
		{"192.168.1.5:8080", httpapi.Options{}, false},
		{":8080", httpapi.Options{}, false},
		{"0.0.0.0:8080", httpapi.Options{Token: long}, true},
		{"0.0.0.0:8080", httpapi.Options{CheckToken: long}, false},
		{"127.0.0.1:8080", httpapi.Options{Token: "short"}, false},
		{"127.0.0.1:8080", httpapi.Options{CheckToken: "short"}, false},
		{"nonsense", httpapi.Options{}, false},
	}
	for _, c := range cases {
		err := checkBindAddr(c.addr, c.opts)
		if (err == nil) != c.ok {
			t.Errorf("checkBindAddr(%q, %+v) = %v, want ok=%v", c.addr, c.opts, err, c.ok)
		}
		if err != nil && !errors.Is(err, ErrUsage) {
			t.Errorf("error for %q is not a usage error: %v", c.addr, err)
		}
	}
}
