package secretbox_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/secretbox"
)

func TestSealOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key")
	key, err := secretbox.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := secretbox.LoadOrCreate(path)
	if err != nil || string(again) != string(key) {
		t.Fatalf("the kept key is not read back: %v", err)
	}
	box, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal("s3cret")
	if err != nil || !secretbox.Sealed(sealed) || strings.Contains(sealed, "s3cret") {
		t.Fatalf("Seal = %q, %v", sealed, err)
	}
	if plain, err := box.Open(sealed); err != nil || plain != "s3cret" {
		t.Errorf("Open = %q, %v", plain, err)
	}
	if plain, err := box.Open("old-plaintext"); err != nil || plain != "old-plaintext" {
		t.Errorf("plaintext row: %q, %v", plain, err)
	}
	other, _ := secretbox.New(make([]byte, secretbox.KeySize))
	if _, err := other.Open(sealed); err == nil {
		t.Error("another key opens the value")
	}
	var none *secretbox.Box
	if _, err := none.Open(sealed); err == nil {
		t.Error("no key opens a sealed value")
	}
	if _, err := secretbox.ParseKey("short"); err == nil {
		t.Error("a short key is accepted")
	}
}
