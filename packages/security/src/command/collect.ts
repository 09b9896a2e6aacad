// Walks a tree-sitter-bash tree into simple commands with decoded argv (issue #3 item 1). Recurses into
// `$(…)`, backticks, `<(…)`, `sh -c`, `eval`, `su -c`, heredocs/here-strings fed to shells, `find -exec`,
// `env -S`, ssh remote commands and string literals that inline interpreter code hands to a spawner.
// Whatever could be resolved statically but is not becomes an `analysis_incomplete` finding.
import type { Node } from 'web-tree-sitter';
import { findInlineCode, inlineTraits, stringLiterals } from './inline-code.ts';
import { parseShell } from './shell-parser.ts';
import type { CommandOrigin, Finding, Redirect, SimpleCommand } from './types.ts';
import { commandBase, unwrap } from './unwrap.ts';
import { braceExpand, decodeAnsiC, literalWord, unescapeBare, unescapeDouble, type Word } from './word.ts';

/** Nested parse depth (Tirith's bound for nested substitutions is 8, reference/tirith.md §1.6). */
export const MAX_NESTING = 8;
/** AST recursion bound inside one parse (deeply nested groups); beyond it the rest is not trusted. */
export const MAX_AST_DEPTH = 256;
/** Total tree nodes visited per analysis; bounds adversarial inputs (10k pipes ≈ 30k nodes). */
export const MAX_NODES = 400_000;

export const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'ash',
  'mksh',
  'fish',
  'csh',
  'tcsh',
  'yash',
  'rbash',
  'pdksh',
  'oksh',
  'posh',
]);

interface Ctx {
  readonly depth: number;
  readonly origin: CommandOrigin;
  readonly pipeIn: readonly SimpleCommand[];
  readonly redirects: readonly Redirect[];
  readonly stdinText: string | undefined;
  readonly astDepth: number;
}

export class Collector {
  readonly commands: SimpleCommand[] = [];
  readonly findings: Finding[] = [];
  /** Functions defined in the input: name → whether the body calls itself in a pipe or background (fork bomb). */
  readonly forkBombs: string[] = [];
  private readonly vars = new Map<string, string>();
  private nodes = 0;
  private readonly seen = new Set<string>();

  incomplete(reason: string, evidence: string): void {
    const key = `${reason}\u0000${evidence}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.findings.push({
      rule: 'analysis_incomplete',
      severity: 'high',
      source: 'analysis',
      title: 'Command could not be fully analysed',
      description: `${reason}; a command that cannot be resolved statically is never silently allowed`,
      evidence: evidence.slice(0, 160),
      safer: 'Spell the command out literally (no variables or decoded text as command names)',
      key: 'tirith:analysis_incomplete',
    });
  }

  /** Parses `src` and walks it. `pipeIn`/`stdinText` describe what is fed to the first command. */
  analyzeSource(
    src: string,
    depth: number,
    origin: CommandOrigin,
    pipeIn: readonly SimpleCommand[] = [],
    stdinText?: string,
  ): SimpleCommand[] {
    if (depth > MAX_NESTING) {
      this.incomplete(`nesting deeper than ${MAX_NESTING} levels`, src);
      return [];
    }
    if (src.trim() === '') return [];
    let tree = parseShell(src);
    try {
      if (tree.rootNode.hasError) {
        this.incomplete('malformed quoting or syntax', src);
        // Best effort: close a dangling quote/substitution so the rest can still be judged.
        // Bounded: at most three re-parses, and only for inputs small enough to re-parse within budget.
        for (const tail of src.length <= 16384 ? ["'", '"', ')'] : []) {
          const t2 = parseShell(src + tail);
          if (!t2.rootNode.hasError) {
            tree.delete();
            tree = t2;
            break;
          }
          t2.delete();
        }
      }
      return this.walk(tree.rootNode, { depth, origin, pipeIn, redirects: [], stdinText, astDepth: 0 });
    } finally {
      tree.delete();
    }
  }

  private walk(node: Node, ctx: Ctx): SimpleCommand[] {
    if (++this.nodes > MAX_NODES) {
      this.incomplete('parser limit exceeded', node.text.slice(0, 80));
      return [];
    }
    if (ctx.astDepth > MAX_AST_DEPTH) {
      this.incomplete('nesting too deep', node.text.slice(0, 80));
      return [];
    }
    const sub: Ctx = { ...ctx, astDepth: ctx.astDepth + 1 };
    switch (node.type) {
      case 'comment':
      case 'heredoc_body':
      case 'heredoc_start':
      case 'heredoc_end':
        return [];
      case 'command':
        return this.command(node, sub);
      case 'pipeline':
        return this.pipeline(node, sub);
      case 'redirected_statement':
        return this.redirected(node, sub);
      case 'declaration_command':
        return this.declaration(node, sub);
      case 'variable_assignment': {
        const a = this.assignment(node, sub);
        if (a && !a.dynamicValue) this.vars.set(a.name, a.value);
        return [];
      }
      case 'function_definition':
        return this.functionDef(node, sub);
      case 'command_substitution':
      case 'process_substitution':
        this.substitution(node, sub);
        return [];
      case 'ERROR':
        this.incomplete('malformed quoting or syntax', node.text.slice(0, 80));
        return this.children(node, sub);
      default:
        return this.children(node, sub);
    }
  }

  private children(node: Node, ctx: Ctx): SimpleCommand[] {
    const out: SimpleCommand[] = [];
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (
        c.type === 'word' ||
        c.type === 'string' ||
        c.type === 'concatenation' ||
        c.type === 'simple_expansion' ||
        c.type === 'expansion'
      ) {
        this.decode(c, ctx); // for substitutions inside conditions / for-lists
        continue;
      }
      for (const r of this.walk(c, ctx)) out.push(r);
    }
    return out;
  }

  private pipeline(node: Node, ctx: Ctx): SimpleCommand[] {
    const out: SimpleCommand[] = [];
    let prev: readonly SimpleCommand[] = ctx.pipeIn;
    let first = true;
    for (const c of node.namedChildren) {
      if (!c || c.type === 'comment') continue;
      const res = this.walk(c, { ...ctx, pipeIn: prev, stdinText: first ? ctx.stdinText : undefined });
      first = false;
      for (const r of res) out.push(r);
      prev = res;
    }
    return out;
  }

  private redirected(node: Node, ctx: Ctx): SimpleCommand[] {
    const redirects: Redirect[] = [...ctx.redirects];
    let stdinText = ctx.stdinText;
    const trailing: Node[] = [];
    let body: Node | null = null;
    for (let i = 0; i < node.childCount; i++) {
      const c = node.child(i);
      if (!c?.isNamed) continue;
      const field = node.fieldNameForChild(i);
      if (field === 'body') {
        body = c;
        continue;
      }
      if (c.type === 'file_redirect') redirects.push(this.fileRedirect(c, ctx));
      else if (c.type === 'herestring_redirect') {
        const w = this.wordOf(c.namedChildren.at(-1) ?? null, ctx);
        stdinText = w?.text ?? '';
        redirects.push({ op: '<<<', fd: '0', target: '', raw: '', dynamic: w?.dynamic ?? false });
      } else if (c.type === 'heredoc_redirect') {
        for (const h of c.namedChildren) {
          if (!h) continue;
          if (h.type === 'heredoc_body') stdinText = h.text;
          else if (h.type === 'file_redirect') redirects.push(this.fileRedirect(h, ctx));
          else if (h.type !== 'heredoc_start' && h.type !== 'heredoc_end') trailing.push(h);
        }
        if (stdinText === ctx.stdinText) stdinText = '';
        redirects.push({ op: '<<', fd: '0', target: '', raw: '', dynamic: false });
      } else if (!body) body = c;
      else trailing.push(c);
    }
    const inner: Ctx = { ...ctx, redirects, stdinText };
    const res = body ? this.walk(body, inner) : [];
    // tree-sitter-bash hangs `| next` of `cmd <<EOF | next` under the heredoc node: stitch the pipe back.
    let prev: readonly SimpleCommand[] = res;
    const out = [...res];
    for (const t of trailing) {
      const r = this.walk(t, { ...ctx, pipeIn: t.type === 'pipeline' || t.type === 'command' ? prev : [] });
      for (const x of r) out.push(x);
      prev = r;
    }
    return out;
  }

  private fileRedirect(node: Node, ctx: Ctx): Redirect {
    let op = '>';
    let fd = '';
    let target: Word | null = null;
    for (let i = 0; i < node.childCount; i++) {
      const c = node.child(i);
      if (!c) continue;
      if (!c.isNamed) op = c.text;
      else if (c.type === 'file_descriptor') fd = c.text;
      // tree-sitter-bash folds `>& file 0>&1` into one redirect with two destinations: the first is the file.
      else if (!target) target = this.decode(c, ctx);
      else this.decode(c, ctx);
    }
    return { op, fd, target: target?.text ?? '', raw: target?.raw ?? '', dynamic: target?.dynamic ?? true };
  }

  private wordOf(node: Node | null, ctx: Ctx): Word | null {
    return node ? this.decode(node, ctx) : null;
  }

  private assignment(node: Node, ctx: Ctx): { name: string; value: string; dynamicValue: boolean } | null {
    const name = node.childForFieldName('name')?.text ?? '';
    const v = node.childForFieldName('value');
    const w = v ? this.decode(v, ctx) : literalWord('');
    return { name, value: w.text, dynamicValue: w.dynamic };
  }

  private declaration(node: Node, ctx: Ctx): SimpleCommand[] {
    const words: Word[] = [literalWord(node.child(0)?.text ?? 'export')];
    const assignments: { name: string; value: string }[] = [];
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'variable_assignment') {
        const a = this.assignment(c, ctx);
        if (a) {
          assignments.push({ name: a.name, value: a.value });
          words.push(literalWord(`${a.name}=${a.value}`));
        }
      } else words.push(this.decode(c, ctx));
    }
    const cmd = this.push(words, assignments, ctx, words);
    return cmd ? [cmd] : [];
  }

  private functionDef(node: Node, ctx: Ctx): SimpleCommand[] {
    const name = node.childForFieldName('name')?.text ?? '';
    const body = node.childForFieldName('body');
    if (!body) return [];
    const before = this.commands.length;
    this.walk(body, ctx);
    // Fork bomb: a function that calls itself through a pipe or in the background (`:(){ :|:& };:`).
    const self = this.commands
      .slice(before)
      .filter((c) => c.argv[0] === name.toLowerCase() || (c.path === name && c.argv.length > 0));
    if (
      self.length > 0 &&
      (self.some((c) => c.pipedFrom.length > 0) || /&\s*(?:[;}\n]|$)/.test(body.text) || self.length > 1)
    ) {
      this.forkBombs.push(node.text.slice(0, 80));
    }
    return [];
  }

  private substitution(node: Node, ctx: Ctx): SimpleCommand[] {
    const out: SimpleCommand[] = [];
    const inner: Ctx = {
      ...ctx,
      depth: ctx.depth + 1,
      origin: sticky(ctx.origin, 'substitution'),
      pipeIn: [],
      redirects: [],
      stdinText: undefined,
    };
    if (inner.depth > MAX_NESTING) {
      this.incomplete(`nesting deeper than ${MAX_NESTING} levels`, node.text.slice(0, 80));
      return out;
    }
    for (const c of node.namedChildren) if (c) for (const r of this.walk(c, inner)) out.push(r);
    return out;
  }

  /** Decodes one word-like node. Substitutions inside are analysed as commands on the way. */
  decode(node: Node, ctx: Ctx): Word {
    switch (node.type) {
      case 'word':
      case 'number':
      case 'variable_name':
        return { text: unescapeBare(node.text), dynamic: false, quoted: false, procSubst: false, raw: node.text };
      case 'raw_string': {
        const t = node.text;
        return {
          text: t.slice(1, t.endsWith("'") && t.length > 1 ? -1 : undefined),
          dynamic: false,
          quoted: true,
          procSubst: false,
          raw: t,
        };
      }
      case 'ansi_c_string': {
        const t = node.text;
        return {
          text: decodeAnsiC(t.slice(2, t.endsWith("'") && t.length > 2 ? -1 : undefined)),
          dynamic: false,
          quoted: true,
          procSubst: false,
          raw: t,
        };
      }
      case 'string':
      case 'translated_string':
        return this.decodeParts(node, ctx, true);
      case 'concatenation':
        return this.decodeParts(node, ctx, false);
      case 'simple_expansion':
      case 'expansion': {
        const t = node.text;
        const name = node.type === 'simple_expansion' ? t.slice(1) : t.slice(2, -1);
        const known = this.vars.get(name);
        if (known !== undefined) return { text: known, dynamic: false, quoted: false, procSubst: false, raw: t };
        // Substitutions inside `${x:-$(cmd)}` still run.
        for (const c of node.namedChildren) if (c && c.type !== 'variable_name') this.decode(c, ctx);
        return { text: t, dynamic: true, quoted: false, procSubst: false, raw: t };
      }
      case 'command_substitution': {
        const inner = this.substitution(node, ctx);
        const resolved = staticEcho(inner);
        if (resolved !== null)
          return { text: resolved, dynamic: false, quoted: false, procSubst: false, raw: node.text };
        return { text: node.text, dynamic: true, quoted: false, procSubst: false, raw: node.text };
      }
      case 'process_substitution':
        this.substitution(node, ctx);
        return { text: node.text, dynamic: true, quoted: false, procSubst: true, raw: node.text };
      case 'arithmetic_expansion':
        for (const c of node.namedChildren) if (c) this.children(c, ctx);
        return { text: node.text, dynamic: true, quoted: false, procSubst: false, raw: node.text };
      default: {
        // brace_expression, array, test operators …: keep the text, descend for substitutions.
        for (const c of node.namedChildren) if (c) this.decode(c, ctx);
        return {
          text: node.text,
          dynamic: node.type !== 'brace_expression',
          quoted: false,
          procSubst: false,
          raw: node.text,
        };
      }
    }
  }

  private decodeParts(node: Node, ctx: Ctx, inDouble: boolean): Word {
    const src = node.text;
    const base = node.startIndex;
    let text = '';
    let dynamic = false;
    let quoted = inDouble;
    let procSubst = false;
    let pos = inDouble ? 1 : 0;
    const end = inDouble ? src.length - (src.endsWith('"') && src.length > 1 ? 1 : 0) : src.length;
    if (node.type === 'translated_string') pos = 2;
    for (const c of node.namedChildren) {
      if (!c) continue;
      const s = c.startIndex - base;
      if (s > pos) text += inDouble ? unescapeDouble(src.slice(pos, s)) : unescapeBare(src.slice(pos, s));
      if (c.type === 'string_content') text += unescapeDouble(c.text);
      else {
        const w = this.decode(c, ctx);
        text += w.text;
        dynamic ||= w.dynamic;
        quoted ||= w.quoted;
        procSubst ||= w.procSubst;
      }
      pos = c.endIndex - base;
    }
    if (end > pos) text += inDouble ? unescapeDouble(src.slice(pos, end)) : unescapeBare(src.slice(pos, end));
    return { text, dynamic, quoted, procSubst, raw: src };
  }

  private command(node: Node, ctx: Ctx): SimpleCommand[] {
    const words: Word[] = [];
    const assignments: { name: string; value: string }[] = [];
    const redirects: Redirect[] = [...ctx.redirects];
    let stdinText = ctx.stdinText;
    for (const c of node.namedChildren) {
      if (!c) continue;
      switch (c.type) {
        case 'variable_assignment': {
          const a = this.assignment(c, ctx);
          if (a) assignments.push({ name: a.name, value: a.value });
          break;
        }
        case 'command_name': {
          const inner = c.namedChild(0);
          if (inner) words.push(this.decode(inner, ctx));
          break;
        }
        case 'file_redirect':
          redirects.push(this.fileRedirect(c, ctx));
          break;
        case 'herestring_redirect': {
          const w = this.wordOf(c.namedChildren.at(-1) ?? null, ctx);
          stdinText = w?.text ?? '';
          break;
        }
        case 'comment':
          break;
        default: {
          const w = this.decode(c, ctx);
          if (!w.quoted && !w.dynamic && w.text.includes('{') && w.text.includes(',')) {
            for (const t of braceExpand(w.text)) words.push({ ...w, text: t });
          } else words.push(w);
        }
      }
    }
    const cmd = this.push(words, assignments, { ...ctx, redirects, stdinText }, words);
    return cmd ? [cmd] : [];
  }

  /** Unwraps launchers, recurses into carriers and records the simple command. */
  private push(
    words: readonly Word[],
    assignments: { name: string; value: string }[],
    ctx: Ctx,
    original: readonly Word[],
    extraArgs = false,
  ): SimpleCommand | null {
    if (words.length === 0) {
      if (assignments.length === 0) return null;
      const empty: SimpleCommand = {
        argv: [],
        dynamic: [],
        wrappers: [],
        path: '',
        assignments,
        redirects: ctx.redirects,
        pipedFrom: ctx.pipeIn,
        depth: ctx.depth,
        origin: ctx.origin,
        extraArgs,
      };
      this.commands.push(empty);
      return empty;
    }
    const u = unwrap(words);
    if (u.tooDeep) {
      this.findings.push({
        rule: 'wrapper_chain_too_deep',
        severity: 'medium',
        source: 'analysis',
        title: 'Too many command wrappers',
        description: 'More launchers (sudo/env/command/…) than the analyser follows',
        evidence: original
          .map((w) => w.text)
          .join(' ')
          .slice(0, 160),
        key: 'tirith:wrapper_chain_too_deep',
      });
      this.incomplete('wrapper chain deeper than 32', original[0]?.text ?? '');
    }
    // env assignments in wrappers (`env LD_PRELOAD=x cmd`, `sudo VAR=x cmd`) count as assignments.
    for (const w of u.wrappers) {
      for (const a of w) {
        const eq = a.indexOf('=');
        if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(a.slice(0, eq)))
          assignments.push({ name: a.slice(0, eq), value: a.slice(eq + 1) });
      }
    }
    const inner = u.words;
    const head = inner[0];
    // A Windows path as command word (`C:\Git\bin\bash.exe`): bash would eat the backslashes; the name is
    // the last path component (Tirith recognises paths and `.exe`).
    const argv = inner.map((w, i) => (i === 0 ? commandBase(/^[A-Za-z]:\\/.test(w.raw) ? w.raw : w.text) : w.text));
    const cmd: SimpleCommand = {
      argv,
      dynamic: inner.map((w) => w.dynamic),
      wrappers: u.wrappers,
      path: head?.text ?? '',
      assignments,
      redirects: ctx.redirects,
      ...(ctx.stdinText !== undefined ? { stdinText: ctx.stdinText } : {}),
      pipedFrom: ctx.pipeIn,
      depth: ctx.depth,
      origin: ctx.origin,
      extraArgs: extraArgs || u.extraArgs,
    };
    this.commands.push(cmd);
    if (head?.dynamic) {
      this.incomplete('command name is not static', head.raw);
      return cmd;
    }
    this.carriers(cmd, inner, ctx);
    return cmd;
  }

  /** Recursion into code carried by arguments or stdin. */
  private carriers(cmd: SimpleCommand, words: readonly Word[], ctx: Ctx): void {
    const argv = cmd.argv;
    const name = argv[0] ?? '';
    const d = ctx.depth + 1;
    if (SHELLS.has(name)) {
      let i = 1;
      let cIdx = -1;
      let stdinMode = false;
      while (i < argv.length) {
        const a = argv[i] as string;
        if (a === '--' || a === '-') {
          i++;
          break;
        }
        if (!/^[-+]/.test(a) || a.length < 2) break;
        if (a === '-o' || a === '+o' || a === '-O' || a === '+O' || a === '--rcfile' || a === '--init-file') {
          i += 2;
          continue;
        }
        if (!a.startsWith('--') && a.slice(1).includes('c')) cIdx = i;
        if (!a.startsWith('--') && a.slice(1).includes('s')) stdinMode = true;
        i++;
      }
      if (cIdx >= 0) {
        const payload = words[i];
        if (!payload) return;
        if (payload.dynamic) this.incomplete('shell -c payload is not static', payload.raw);
        this.analyzeSource(payload.text, d, sticky(ctx.origin, 'shell-c'));
        return;
      }
      const script = words[i];
      if (script && !stdinMode) {
        if (script.procSubst || script.dynamic)
          this.incomplete('shell runs a script whose content is not visible', script.raw);
        return;
      }
      if (ctx.stdinText !== undefined) this.analyzeSource(ctx.stdinText, d, sticky(ctx.origin, 'heredoc'));
      return;
    }
    if (name === 'eval') {
      const rest = words.slice(1);
      if (rest.some((w) => w.dynamic))
        this.incomplete('eval of text that is not static', rest.map((w) => w.raw).join(' '));
      this.analyzeSource(rest.map((w) => w.text).join(' '), d, sticky(ctx.origin, 'eval'));
      return;
    }
    if (name === 'source' || name === '.') {
      const f = words[1];
      if (f && (f.procSubst || f.dynamic)) this.incomplete('sourced file content is not visible', f.raw);
      return;
    }
    if (name === 'su' || name === 'runuser') {
      for (let i = 1; i < words.length; i++) {
        const t = (words[i] as Word).text;
        if (t === '-c' || t === '--command') {
          const p = words[i + 1];
          if (p) {
            if (p.dynamic) this.incomplete('su -c payload is not static', p.raw);
            this.analyzeSource(p.text, d, sticky(ctx.origin, 'shell-c'));
          }
          return;
        }
        if (t.startsWith('--command=')) {
          this.analyzeSource(t.slice(10), d, sticky(ctx.origin, 'shell-c'));
          return;
        }
      }
      return;
    }
    if (name === 'ssh') {
      let i = 1;
      while (i < argv.length) {
        const a = argv[i] as string;
        if (a === '--') {
          i++;
          break;
        }
        if (a[0] !== '-') break;
        i += /^-[46AaCfGgKkMNnqsTtVvXxYy]*[BbcDEeFIiJLlmOoPpQRSWw]$/.test(a) ? 2 : 1;
      }
      const remote = words.slice(i + 1);
      if (remote.length > 0) {
        if (remote.some((w) => w.dynamic))
          this.incomplete('remote command is not static', remote.map((w) => w.raw).join(' '));
        this.analyzeSource(remote.map((w) => w.text).join(' '), d, sticky(ctx.origin, 'remote'));
      }
      return;
    }
    if (name === 'find') {
      for (let i = 1; i < words.length; i++) {
        const t = (words[i] as Word).text;
        if (t === '-exec' || t === '-execdir' || t === '-ok' || t === '-okdir') {
          let j = i + 1;
          while (j < words.length && (words[j] as Word).text !== ';' && (words[j] as Word).text !== '+') j++;
          const sub = words.slice(i + 1, j);
          if (sub.length > 0)
            this.push(
              sub,
              [],
              { ...ctx, origin: sticky(ctx.origin, 'find-exec'), pipeIn: [], redirects: [], stdinText: undefined },
              sub,
              true,
            );
          i = j;
        }
      }
      return;
    }
    if (name === 'watch') {
      let i = 1;
      while (i < argv.length && (argv[i] as string).startsWith('-'))
        i += /^-(?:n|d|-interval)$/.test(argv[i] as string) ? 2 : 1;
      const rest = words.slice(i);
      if (rest.length > 0) this.analyzeSource(rest.map((w) => w.text).join(' '), d, sticky(ctx.origin, 'shell-c'));
      return;
    }
    const inline = findInlineCode(argv);
    if (inline) {
      const traits = inlineTraits(inline.code);
      if (traits.spawns) {
        for (const lit of stringLiterals(inline.code)) this.analyzeSource(lit, d, sticky(ctx.origin, 'inline'));
      }
    }
  }
}

/** Remote and stored code stays remote/stored however deep it nests. */
function sticky(current: CommandOrigin, next: CommandOrigin): CommandOrigin {
  return current === 'remote' || current === 'stored' ? current : next;
}

/** `$(echo rm)` / `` `printf rm` `` resolve to their literal output (Hermes de-obfuscates them too, §3.3). */
function staticEcho(cmds: readonly SimpleCommand[]): string | null {
  if (cmds.length !== 1) return null;
  const c = cmds[0] as SimpleCommand;
  if (c.pipedFrom.length > 0 || c.redirects.length > 0 || c.dynamic.some(Boolean)) return null;
  if (c.argv[0] === 'echo') {
    const args = c.argv.slice(1).filter((a, i) => !(i === 0 && /^-[neE]+$/.test(a)));
    return args.join(' ');
  }
  if (c.argv[0] === 'printf' && c.argv.length >= 2) {
    const fmt = c.argv[1] as string;
    if (fmt.includes('%')) return null;
    return fmt.replace(/\\n$/, '');
  }
  return null;
}
