package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

func init() {
	register(&command{
		name:    "completion",
		args:    "bash|zsh|fish",
		summary: "print a shell completion script",
		help: `Prints a script that completes inspect's commands and flags (and file
names) in bash, zsh or fish.

Examples:
  source <(inspect completion bash)
  inspect completion zsh > "${fpath[1]}/_inspect"
  inspect completion fish > ~/.config/fish/completions/inspect.fish`,
		flags: func(fs *flag.FlagSet) func(*env, []string) error {
			return func(e *env, args []string) error {
				if len(args) != 1 {
					return usagef("name one shell: bash, zsh or fish")
				}
				return writeCompletion(e.stdout, args[0])
			}
		},
	})
}

// commandFlags lists each command's flags as "--name".
func commandFlags() (names []string, flags map[string][]string) {
	flags = map[string][]string{}
	for n, c := range commands {
		names = append(names, n)
		fs := flag.NewFlagSet(n, flag.ContinueOnError)
		c.flags(fs)
		fs.VisitAll(func(f *flag.Flag) { flags[n] = append(flags[n], "--"+f.Name) })
		flags[n] = append(flags[n], "--help")
	}
	sort.Strings(names)
	return names, flags
}

func writeCompletion(w io.Writer, shell string) error {
	names, flags := commandFlags()
	var b strings.Builder
	switch shell {
	case "bash":
		b.WriteString("# bash completion for inspect (gobsl)\n_inspect() {\n")
		b.WriteString("  local cur=${COMP_WORDS[COMP_CWORD]}\n")
		fmt.Fprintf(&b, "  if [ \"$COMP_CWORD\" -eq 1 ]; then COMPREPLY=($(compgen -W %q -- \"$cur\")); return; fi\n", strings.Join(append(names, "help"), " "))
		b.WriteString("  case \"${COMP_WORDS[1]}\" in\n")
		for _, n := range names {
			fmt.Fprintf(&b, "    %s) local opts=%q ;;\n", n, strings.Join(flags[n], " "))
		}
		b.WriteString("    *) local opts= ;;\n  esac\n")
		b.WriteString("  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n}\n")
		b.WriteString("complete -o filenames -F _inspect inspect\n")
	case "zsh":
		b.WriteString("#compdef inspect\n# zsh completion for inspect (gobsl)\n_inspect() {\n")
		b.WriteString("  if (( CURRENT == 2 )); then\n    local -a cmds\n    cmds=(\n")
		for _, n := range names {
			fmt.Fprintf(&b, "      %q\n", n+":"+commands[n].summary)
		}
		b.WriteString("    )\n    _describe command cmds\n    return\n  fi\n  case $words[2] in\n")
		for _, n := range names {
			fmt.Fprintf(&b, "    %s) _arguments '*:file:_files' %s ;;\n", n, zshFlags(flags[n]))
		}
		b.WriteString("  esac\n}\n_inspect \"$@\"\n")
	case "fish":
		b.WriteString("# fish completion for inspect (gobsl)\n")
		for _, n := range names {
			fmt.Fprintf(&b, "complete -c inspect -n __fish_use_subcommand -a %s -d %q\n", n, commands[n].summary)
			for _, f := range flags[n] {
				fmt.Fprintf(&b, "complete -c inspect -n '__fish_seen_subcommand_from %s' -l %s\n", n, strings.TrimPrefix(f, "--"))
			}
		}
	default:
		return usagef("unknown shell %q (want bash, zsh or fish)", shell)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func zshFlags(flags []string) string {
	var parts []string
	for _, f := range flags {
		parts = append(parts, "'"+f+"'")
	}
	return strings.Join(parts, " ")
}
