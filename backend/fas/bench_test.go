package fas

import (
	"context"
	"testing"
)

// BenchmarkCachedUser: a client-level cached lookup.
func BenchmarkCachedUser(b *testing.B) {
	c, _ := replay(b, 0)
	ctx := context.Background()
	if _, err := c.User(ctx, "nirik"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.User(ctx, "nirik"); err != nil {
			b.Fatal(err)
		}
	}
}
