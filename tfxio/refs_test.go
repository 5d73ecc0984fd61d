package tfxio

import "testing"

func TestRefs(t *testing.T) {
	var r refs
	r.Retain()
	r.Retain()
	for i, want := range []bool{false, false, true} {
		if got := r.release(); got != want {
			t.Fatalf("release %d: %v, want %v", i+1, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a fourth release did not panic")
		}
	}()
	r.release()
}
