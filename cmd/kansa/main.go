// Command kansa is Kansa's desktop GUI. It only wires things together: the
// store directory, the Fyne app and the demo seeder; the screens live in
// package ui.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"fyne.io/fyne/v2/app"

	"github.com/kansa-audit/kansa/fixtures"
	"github.com/kansa-audit/kansa/internal/workspace"
	"github.com/kansa-audit/kansa/ui"
)

// version is set by the Makefile from FyneApp.toml.
var version = "dev"

// appID matches ID in FyneApp.toml; preferences and storage are keyed by it.
const appID = "jp.kansa.app"

func main() {
	store := flag.String("store", "", "store directory (default $KANSA_STORE, else the user config dir)")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("kansa", version)
		return
	}
	dir := *store
	if dir == "" {
		d, err := workspace.DefaultDir()
		if err != nil {
			log.Fatalf("kansa: %v", err)
		}
		dir = d
	}
	// Without a display or OpenGL (some VMs, Remote Desktop) the window
	// driver panics while creating the first window; say so plainly
	// instead of leaving a stack trace.
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("kansa: the window could not be opened: %v\n"+
				"Kansa needs a display with OpenGL 2.1. On a virtual machine or Remote Desktop, enable 3D acceleration\n"+
				"or use a software OpenGL driver; the command line (kansactl) works without one.\n", r)
			fmt.Fprint(os.Stderr, msg)
			// A Windows GUI binary has no console: show it in a box too.
			alert("Kansa（監査）", "画面を開けませんでした。Kansa には OpenGL 2.1 に対応した画面が必要です。\n"+
				"仮想マシンやリモートデスクトップでは 3D アクセラレーションを有効にするか、ソフトウェア OpenGL を導入してください。\n"+
				"コマンドライン（kansactl）は OpenGL なしで使えます。\n\n"+msg)
			os.Exit(1)
		}
	}()
	ui.Run(app.NewWithID(appID), ui.Config{
		Store: ui.DirStore{Dir: dir},
		Demo:  demo,
	})
}

// demo seeds the demo engagement. The seeder needs the concrete workspace,
// which DirStore always hands out.
func demo(w ui.Workspace) (string, error) {
	ws, ok := w.(*workspace.Workspace)
	if !ok {
		return "", fmt.Errorf("demo: workspace is a %T, not *workspace.Workspace", w)
	}
	return fixtures.Demo(ws)
}
