import { access, readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Collector } from '../collector-types.js';
import { execText } from '../exec-text.js';
import { normalizePrograms } from '../normalize-programs.js';
import { parseLsblk, parsePackageList, parseSmartctl, toPhysicalDisk } from './linux-parsers.js';

/** Python's platform.architecture() word the deployed agent sends ("64bit"), from Node's arch. */
export function architectureWord(arch: string = process.arch): string {
  return /64/.test(arch) ? '64bit' : '32bit';
}

async function firstLine(file: string, args: string[], signal: AbortSignal): Promise<string | null> {
  try {
    const line = (await execText(file, args, signal, 3_000)).split('\n')[0]?.trim() ?? '';
    return line === '' || line === '(none)' ? null : line;
  } catch {
    return null;
  }
}

/** Host identity: hostname, a Python-style platform string, CPU brand, and the DNS domain or joined realm. */
function systemCollector(): Collector {
  return {
    name: 'system',
    timeoutMs: 8_000,
    async collect(signal) {
      // A realm (sssd/winbind join) is the Linux counterpart of a Windows domain; else the DNS domain.
      const realm = await firstLine('realm', ['list', '--name-only'], signal);
      const domain = realm ?? (await firstLine('hostname', ['-d'], signal));
      // Python's platform.platform() style ("Linux-6.1.0-x86_64-with-debian-12"): os-release's ID, else the distro name.
      const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
      const field = (key: string) => new RegExp(`^${key}="?([^"\\n]+)"?$`, 'm').exec(osRelease)?.[1];
      const distro = [field('ID'), field('VERSION_ID')]
        .filter(Boolean)
        .join('-')
        .replace(/[^A-Za-z0-9._-]+/g, '_');
      return {
        sections: {
          system: {
            hostname: os.hostname(),
            platform: `Linux-${os.release()}-${os.machine()}${distro ? `-with-${distro}` : ''}`.slice(0, 256),
            processor: (os.cpus()[0]?.model ?? '').replace(/\s+/g, ' ').trim().slice(0, 256),
            architecture: architectureWord(),
            domain,
            workgroup: null,
          },
        },
      };
    },
  };
}

/** Physical disks from lsblk; SMART health from smartctl when installed, else Unknown and a note (AG-5). */
function disksCollector(): Collector {
  return {
    name: 'disks',
    timeoutMs: 15_000,
    async collect(signal) {
      const disks = parseLsblk(await execText('lsblk', ['-J', '-b', '-o', 'NAME,MODEL,TRAN,SIZE,ROTA,TYPE'], signal));
      const smartctl = await execText('smartctl', ['--version'], signal, 3_000).then(
        () => true,
        () => false,
      );
      if (!smartctl) {
        return {
          sections: { disks: disks.map((d) => toPhysicalDisk(d)) },
          notes: [
            {
              collector: 'smart',
              error: 'smartctl is not installed, so disk health and SMART status are sent as Unknown; install smartmontools to report them',
            },
          ],
        };
      }
      const entries = [];
      for (const disk of disks) {
        // smartctl exits non-zero for warnings yet still prints JSON; an unreadable disk is simply Unknown.
        const json = await execText('smartctl', ['-j', '-H', '-i', `/dev/${disk.name}`], signal).catch(() => '{}');
        entries.push(toPhysicalDisk(disk, parseSmartctl(json)));
      }
      return { sections: { disks: entries } };
    },
  };
}

/** Installed packages from dpkg-query, or rpm on RPM systems: all of them, deduplicated and sorted. */
function programsCollector(): Collector {
  return {
    name: 'programs',
    timeoutMs: 30_000,
    async collect(signal) {
      const useRpm = await access('/var/lib/rpm').then(
        () => true,
        () => false,
      );
      const text = useRpm
        ? await execText('rpm', ['-qa', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{VENDOR}\\n'], signal)
        : await execText('dpkg-query', ['-W', '-f', '${binary:Package}\\t${Version}\\t${Maintainer}\\n'], signal);
      const list = normalizePrograms(parsePackageList(text));
      return { sections: { software: { installed_programs: list.installed_programs, installed_programs_truncated: list.installed_programs_truncated } } };
    },
  };
}

/** BitLocker is a Windows feature: reported as unsupported, and named so the operator knows why (issue 5). */
function bitlockerCollector(): Collector {
  return {
    name: 'bitlocker',
    timeoutMs: 1_000,
    async collect() {
      return {
        sections: { bitlocker: { supported: false, protected_volumes: 0, volumes: [] } },
        notes: [{ collector: 'bitlocker', error: `BitLocker is a Windows feature and cannot be read on ${process.platform}; sent as supported=false` }],
      };
    },
  };
}

/** The Linux collectors (system, disks, programs, bitlocker); metrics, memory and agent are shared. */
export function linuxCollectors(): Collector[] {
  return [systemCollector(), disksCollector(), programsCollector(), bitlockerCollector()];
}
