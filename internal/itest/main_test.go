package itest_test

import (
	"os"
	"testing"

	"github.com/compact-un/compact/internal/itest"
)

func TestMain(m *testing.M) { os.Exit(itest.Main(m)) }
