package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/quiz/bolt"
	"github.com/devopsbot/devopsbot/quiz/postgres"
	"github.com/devopsbot/devopsbot/quiz/postgres/pgtest"
)

func TestOpenStoreChoosesByDB(t *testing.T) {
	ctx := context.Background()
	t.Run("a path is a bbolt file", func(t *testing.T) {
		st, err := openStore(ctx, nil, filepath.Join(t.TempDir(), "data", "bot.db"), storeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, ok := st.(*bolt.Store); !ok {
			t.Errorf("openStore(path) = %T, want *bolt.Store", st)
		}
		if err := storeHealth(st); err != nil {
			t.Errorf("storeHealth = %v, want nil", err)
		}
	})
	t.Run("a postgres URL is PostgreSQL", func(t *testing.T) {
		st, err := openStore(ctx, nil, pgtest.URL(t), storeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, ok := st.(*postgres.Store); !ok {
			t.Errorf("openStore(URL) = %T, want *postgres.Store", st)
		}
		if err := storeHealth(st); err != nil {
			t.Errorf("storeHealth = %v, want nil", err)
		}
		if storeDamaged(st) != nil {
			t.Error("storeDamaged on PostgreSQL: want nil (nothing to count)")
		}
		st.Close()
		if err := storeHealth(st); err == nil {
			t.Error("storeHealth on a closed pool = nil, want an error")
		}
	})
	t.Run("an unreachable database is an error without the password", func(t *testing.T) {
		_, err := openStore(ctx, nil, "postgres://bot:hunter2pw@127.0.0.1:1/quiz?connect_timeout=1", storeOptions{})
		if err == nil || strings.Contains(err.Error(), "hunter2pw") {
			t.Errorf("openStore(unreachable) = %v; want an error that hides the password", err)
		}
	})
}

func TestValidateDatabaseURL(t *testing.T) {
	for _, tt := range []struct {
		db      string
		problem bool
	}{
		{"data/devopsbot.db", false},
		{"postgres://bot:pw@db:5432/quiz?sslmode=require", false},
		{"postgres://bot:pw@db:5432/quiz?pool_max_conns=lots", true},
		{"postgres://bot:pw@db:port/quiz", true},
		{" ", true},
	} {
		cfg := opsDefaultConfig(t)
		cfg.DB = tt.db
		err := validate(cfg)
		got := err != nil && strings.Contains(err.Error(), "DEVOPSBOT_DB")
		if got != tt.problem {
			t.Errorf("validate(DEVOPSBOT_DB=%q) = %v; want a DEVOPSBOT_DB problem: %v", tt.db, err, tt.problem)
		}
		if err != nil && strings.Contains(err.Error(), ":pw@") {
			t.Errorf("validate shows the password: %v", err)
		}
	}
}

func TestLoggerRedactsDatabasePasswords(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.DB = "postgres://bot:hunter2pw@db.internal/quiz?sslpassword=keyphrase9"
	var buf bytes.Buffer
	lg, logs := newLogger(&buf, cfg)
	lg.Error("serve store", "err", errors.New("dial postgres://bot:hunter2pw@db.internal/quiz: refused"), "k", "keyphrase9")
	logs.Close()
	out := buf.String()
	for _, s := range []string{"hunter2pw", "keyphrase9"} {
		if strings.Contains(out, s) {
			t.Errorf("log output contains %q:\n%s", s, out)
		}
	}
}

func TestConfigMasksDatabasePasswordParameter(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.DB = "postgres://bot@db.internal/quiz?password=hunter2pw"
	out, _, err := opsRun(t, cfg, "config")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if strings.Contains(out, "hunter2pw") || !strings.Contains(out, "DEVOPSBOT_DB=postgres://bot@db.internal/quiz?password=xxxxx\n") {
		t.Errorf("config output does not mask the password parameter:\n%s", out)
	}
}
