package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tool returns the path of an external checker, or skips the test.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	return p
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(tool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// squash removes all white space, so text broken over lines by a renderer
// compares with the text as stored.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// reportAudit fills a datacenter audit like a real one: findings with long
// proposals, photos, hearings.
func reportAudit(t *testing.T, c *cli) (aud string, texts []string, photos int) {
	_, aud = c.setup()
	dir := t.TempDir()
	for i, no := range []string{"12", "17", "26"} {
		obs := fmt.Sprintf("項目%sについて、運用記録と申請書を突合したところ、承認のない作業記録が%d件認められた。", no, i+2)
		var p strings.Builder
		for k := range 30 {
			fmt.Fprintf(&p, "改善提案%s-%d：作業申請と記録の突合を月次で行い、差異は責任者が承認する手順とすること。", no, k)
		}
		c.ok("result", "set", "--audit", aud, "--item", no, "--rating", "partial", "--finding", "finding",
			"--observation", obs, "--proposal", p.String())
		texts = append(texts, obs, p.String())
		for k := range 2 {
			jpg := filepath.Join(dir, fmt.Sprintf("photo-%s-%d.jpg", no, k))
			writeJPEG(t, jpg, uint64(100+i*10+k))
			c.ok("evidence", "add", jpg, "--audit", aud, "--item", no, "--caption", fmt.Sprintf("現地確認写真 %s-%d", no, k))
			photos++
		}
		c.ok("interview", "add", "--audit", aud, "--interviewee", "佐藤", "--role", "運用課長",
			"--at", time.Date(2026, 9, 10+i, 10, 0, 0, 0, time.UTC).Format(time.RFC3339), "--notes", "記録は月次で確認している", "--item", no)
	}
	for _, no := range []string{"1", "2", "3"} {
		obs := "規程と記録を確認し、適切に整備されていることを確認した（項目" + no + "）。"
		c.ok("result", "set", "--audit", aud, "--item", no, "--rating", "conform", "--observation", obs)
		texts = append(texts, obs)
	}
	return aud, texts, photos
}

func TestCLIExportPDFAndWord(t *testing.T) {
	if testing.Short() {
		t.Skip("renders and converts whole reports")
	}
	c := newCLI(t)
	aud, texts, photos := reportAudit(t, c)
	dir := t.TempDir()

	var lints []struct{ Item, Rule, Message string }
	if err := json.Unmarshal([]byte(c.ok("lint", "--audit", aud, "--json")), &lints); err != nil {
		t.Fatal(err)
	}
	if len(lints) == 0 {
		t.Fatal("lint found nothing although 44 items are unrated")
	}

	pdfPath := filepath.Join(dir, "監査報告書.pdf")
	_, errs, code := c.run("export", "--audit", aud, "--doc", "report", "--format", "pdf", "--out", pdfPath)
	if code != 0 {
		if strings.Contains(errs, "font") {
			t.Skipf("no Japanese font: %s", errs)
		}
		t.Fatalf("export pdf: exit %d\n%s", code, errs)
	}
	info := runTool(t, "pdfinfo", pdfPath)
	if !strings.Contains(info, "595.") || !strings.Contains(info, "841.") {
		t.Errorf("pdfinfo: not A4:\n%s", info)
	}
	fonts := runTool(t, "pdffonts", pdfPath)
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no font:\n%s", fonts)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 5 || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" { // emb, uni
			t.Errorf("font not embedded with ToUnicode: %s", l)
		}
	}
	text := squash(runTool(t, "pdftotext", pdfPath, "-"))
	for _, want := range texts {
		if !strings.Contains(text, squash(want)) {
			t.Errorf("pdftotext lacks %q", want[:min(len(want), 60)])
		}
	}
	runTool(t, "qpdf", "--check", pdfPath)
	imgs := runTool(t, "pdfimages", "-list", pdfPath)
	if n := strings.Count(imgs, " jpeg "); n < photos {
		t.Errorf("pdfimages counts %d jpeg images; want %d photos\n%s", n, photos, imgs)
	}

	docxPath := filepath.Join(dir, "監査報告書.docx")
	c.ok("export", "--audit", aud, "--doc", "report", "--format", "docx", "--out", docxPath)
	lo, err := exec.LookPath("libreoffice")
	if err != nil {
		t.Skip("libreoffice not installed")
	}
	profile := "-env:UserInstallation=file://" + filepath.Join(t.TempDir(), "lo")
	cmd := exec.Command(lo, profile, "--headless", "--convert-to", "pdf", "--outdir", dir, docxPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	converted := strings.TrimSuffix(docxPath, ".docx") + ".pdf"
	wtext := squash(runTool(t, "pdftotext", converted, "-"))
	for i := 1; i < len(texts); i += 2 { // the proposals
		if i < 6 && !strings.Contains(wtext, squash(texts[i])) {
			t.Errorf("Word text lacks proposal %d", i/2+1)
		}
	}

	planPath := filepath.Join(dir, "監査計画書.docx")
	c.ok("export", "--audit", aud, "--doc", "plan", "--format", "docx", "--out", planPath)
	if fi, err := os.Stat(planPath); err != nil || fi.Size() < 5000 {
		t.Fatalf("plan: %v", err)
	}
	// A J-LIS copy exists only for common-platform audits.
	_, errs, code = c.run("export", "--audit", aud, "--doc", "report", "--format", "pdf", "--variant", "jlis", "--out", filepath.Join(dir, "x.pdf"))
	if code == 0 || !strings.Contains(errs, "common-platform") {
		t.Errorf("jlis for a datacenter audit: exit %d %q", code, errs)
	}
}
