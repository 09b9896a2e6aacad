// Allowlist entries written as command text match only simple commands (issue #6 item 3; Hermes §5:
// any unquoted `; & | < > \` $( newline` — or quoted control characters handed to a `-c/-e/--eval`
// style option — disqualifies), so `git status *` never lets `git status; rm -rf ~` through.

const UNQUOTED_CONTROL = new Set([';', '&', '|', '<', '>', '`', '\n', '\r']);
const INLINE_CODE_OPTION = /(^|\s)(-[A-Za-z]*[ce]|--eval|--exec|--command)(?=\s|=|$)/;

export function isSimpleCommand(command: string): boolean {
  let quote: '' | "'" | '"' = '';
  let quotedControl = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote === "'") {
      if (c === "'") quote = '';
      else if (UNQUOTED_CONTROL.has(c) || c === '$') quotedControl = true;
      continue;
    }
    if (c === '\\') {
      const next = command[i + 1];
      if (next === '\n' || next === '\r') return false;
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '`' || (c === '$' && command[i + 1] === '(')) return false;
      else if (UNQUOTED_CONTROL.has(c)) quotedControl = true;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (UNQUOTED_CONTROL.has(c)) return false;
    if (c === '$' && command[i + 1] === '(') return false;
  }
  if (quote !== '') return false;
  return !(quotedControl && INLINE_CODE_OPTION.test(command));
}
