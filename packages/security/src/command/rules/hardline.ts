// Hardline floor (issue #3 item 2; hermes-behaviour.md §2): refused under every setting, yolo and
// `approvals.mode: off` included. Short and exact: each entry names the argv shape it matches.
import { isHomeDir, isRawDevice, isRootCollapse, isSystemDir } from '../paths.ts';
import type { Finding, SimpleCommand } from '../types.ts';
import { flagSet, hardline, operands, show } from './finding.ts';

const SHUTDOWN = new Set(['shutdown', 'reboot', 'halt', 'poweroff']);

function deviceOperand(argv: readonly string[]): string | undefined {
  return operands(argv).find(isRawDevice);
}

export function hardlineRules(cmd: SimpleCommand, out: Finding[]): void {
  const argv = cmd.argv;
  const name = argv[0] ?? '';
  // Redirects to a raw block device, whatever the command (`echo x > /dev/sda`).
  for (const r of cmd.redirects) {
    if ((r.op.includes('>') || r.op === '<>') && isRawDevice(r.target)) {
      out.push(hardline('hardline_device_write', 'write to a raw block device', `${r.op} ${r.target}`));
    }
  }
  switch (name) {
    case 'rm': {
      const { long } = flagSet(argv);
      if (long.has('no-preserve-root')) out.push(hardline('hardline_rm_root', 'delete the root filesystem', show(cmd)));
      for (const op of operands(argv)) {
        if (isRootCollapse(op)) out.push(hardline('hardline_rm_root', 'delete the root filesystem', show(cmd)));
        else if (isSystemDir(op)) out.push(hardline('hardline_rm_system_dir', 'delete a system directory', show(cmd)));
        else if (isHomeDir(op)) out.push(hardline('hardline_rm_home', 'delete the home directory', show(cmd)));
      }
      return;
    }
    case 'mke2fs':
      out.push(hardline('hardline_mkfs', 'format a filesystem (mkfs)', show(cmd)));
      return;
    case 'mkswap':
    case 'blkdiscard':
    case 'shred':
      if (deviceOperand(argv)) out.push(hardline('hardline_disk_wipe', 'wipe a raw block device', show(cmd)));
      return;
    case 'wipefs': {
      const { short, long } = flagSet(argv);
      if ((short.has('a') || long.has('all')) && !short.has('n') && !long.has('no-act') && deviceOperand(argv)) {
        out.push(hardline('hardline_disk_wipe', 'wipe a raw block device', show(cmd)));
      }
      return;
    }
    case 'sgdisk': {
      const { short, long } = flagSet(argv);
      if ((short.has('Z') || short.has('o') || long.has('zap-all') || long.has('clear')) && deviceOperand(argv)) {
        out.push(hardline('hardline_disk_wipe', 'wipe a raw block device', show(cmd)));
      }
      return;
    }
    case 'diskutil': {
      const verb = (argv[1] ?? '').toLowerCase();
      if (/^(?:erase|zero|randomdisk|secureerase|reformat|partitiondisk|apfs)/.test(verb) && verb !== 'apfs') {
        out.push(hardline('hardline_mkfs', 'erase or repartition a disk (diskutil)', show(cmd)));
      }
      return;
    }
    case 'dd':
      for (const a of argv.slice(1)) {
        if (a.startsWith('of=') && isRawDevice(a.slice(3)))
          out.push(hardline('hardline_dd_device', 'dd onto a raw block device', show(cmd)));
      }
      return;
    case 'tee':
      if (deviceOperand(argv)) out.push(hardline('hardline_device_write', 'write to a raw block device', show(cmd)));
      return;
    case 'kill': {
      // `kill -1`, `kill -9 -1`, `kill -HUP -1`, `kill -- -1`: any signal to every process (§2).
      const last = argv[argv.length - 1];
      if (argv.length >= 2 && last === '-1') out.push(hardline('hardline_kill_all', 'kill every process', show(cmd)));
      return;
    }
    case 'init':
    case 'telinit':
      if (argv[1] === '0' || argv[1] === '6')
        out.push(hardline('hardline_shutdown', 'shut down or reboot the machine', show(cmd)));
      return;
    case 'systemctl': {
      const verb = operands(argv).find((a) => !a.includes('='));
      if (verb && ['poweroff', 'reboot', 'halt', 'kexec'].includes(verb.toLowerCase())) {
        out.push(hardline('hardline_shutdown', 'shut down or reboot the machine', show(cmd)));
      }
      return;
    }
    default:
      if (name === 'mkfs' || name.startsWith('mkfs.') || name.startsWith('newfs')) {
        if (name === 'mkfs' || name.startsWith('mkfs.') || deviceOperand(argv))
          out.push(hardline('hardline_mkfs', 'format a filesystem (mkfs)', show(cmd)));
      } else if (SHUTDOWN.has(name)) {
        if (!argv.slice(1).some((a) => a === '--help' || (a === '-h' && name !== 'shutdown') || a === '--version')) {
          out.push(hardline('hardline_shutdown', 'shut down or reboot the machine', show(cmd)));
        }
      }
  }
}

export function forkBombFinding(evidence: string): Finding {
  return hardline('hardline_fork_bomb', 'fork bomb', evidence);
}

export const HARDLINE_MESSAGE =
  'This command is on the unconditional blocklist and cannot be executed via the agent — not even with --yolo, /yolo, approvals.mode=off, or cron approve mode. If you genuinely need to run it, run it yourself in a terminal outside the agent.';
