/** A Windows release as agents report it: family, build number and a recent update revision (UBR). */
export interface WindowsRelease {
  family: 'Windows 10' | 'Windows 11' | 'Windows Server';
  /** Release name (version or server year). */
  release: string;
  build: number;
  ubr: number;
  /** What Python's platform.release() says, which the deployed agent's platform string embeds. */
  pythonRelease: string;
}

/** Real Windows builds: every Windows 10 and 11 feature update and every Server LTSC since 2012 R2. */
export const windowsReleases: readonly WindowsRelease[] = [
  { family: 'Windows 10', release: '1507', build: 10240, ubr: 20826, pythonRelease: '10' },
  { family: 'Windows 10', release: '1607', build: 14393, ubr: 7606, pythonRelease: '10' },
  { family: 'Windows 10', release: '1809', build: 17763, ubr: 6659, pythonRelease: '10' },
  { family: 'Windows 10', release: '1909', build: 18363, ubr: 2274, pythonRelease: '10' },
  { family: 'Windows 10', release: '20H2', build: 19042, ubr: 2965, pythonRelease: '10' },
  { family: 'Windows 10', release: '21H2', build: 19044, ubr: 5247, pythonRelease: '10' },
  { family: 'Windows 10', release: '22H2', build: 19045, ubr: 5247, pythonRelease: '10' },
  { family: 'Windows 11', release: '21H2', build: 22000, ubr: 3260, pythonRelease: '11' },
  { family: 'Windows 11', release: '22H2', build: 22621, ubr: 4602, pythonRelease: '11' },
  { family: 'Windows 11', release: '23H2', build: 22631, ubr: 4602, pythonRelease: '11' },
  { family: 'Windows 11', release: '24H2', build: 26100, ubr: 2605, pythonRelease: '11' },
  { family: 'Windows Server', release: '2012 R2', build: 9600, ubr: 22318, pythonRelease: '2012ServerR2' },
  { family: 'Windows Server', release: '2016', build: 14393, ubr: 7606, pythonRelease: '2016Server' },
  { family: 'Windows Server', release: '2019', build: 17763, ubr: 6659, pythonRelease: '2019Server' },
  { family: 'Windows Server', release: '2022', build: 20348, ubr: 2966, pythonRelease: '2022Server' },
  { family: 'Windows Server', release: '2025', build: 26100, ubr: 2605, pythonRelease: '2025Server' },
];

/** The platform strings the agents in the field send for one release (Python's platform.platform(), the seed's form, Node's). */
export function platformStrings(r: WindowsRelease): string[] {
  const kernel = r.build === 9600 ? '6.3' : '10.0';
  const edition = r.family === 'Windows Server' ? `Server ${r.release} Datacenter` : `${r.family.slice(8)} Pro`;
  return [
    `Windows-${r.pythonRelease}-${kernel}.${r.build}-SP0`,
    // The seed's own example has this form ("Windows-10-10.0.26100"): Python < 3.12 reports Windows 11 as "10".
    `Windows-${r.family === 'Windows 11' ? '10' : r.pythonRelease}-${kernel}.${r.build}`,
    `Microsoft Windows ${edition} ${kernel}.${r.build}.${r.ubr}`,
  ];
}

/** CPU vendor family, which decides the architecture strings that go with it. */
export type CpuVendor = 'intel' | 'amd' | 'arm';

/** Processor strings as Python's platform.processor() (WMI identifier) and CPU brand strings report them. */
export const processors: Readonly<Record<CpuVendor, readonly string[]>> = {
  intel: [
    'Intel64 Family 6 Model 154',
    'Intel64 Family 6 Model 154 Stepping 3, GenuineIntel',
    'Intel64 Family 6 Model 142 Stepping 10, GenuineIntel',
    'Intel64 Family 6 Model 170 Stepping 4, GenuineIntel',
    'Intel(R) Core(TM) i7-12700H',
    'Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz',
    'Intel(R) Core(TM) Ultra 7 155H',
    'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz',
    'Intel(R) Xeon(R) CPU E5-2690 v4 @ 2.60GHz',
  ],
  amd: [
    'AMD64 Family 25 Model 33 Stepping 0, AuthenticAMD',
    'AMD64 Family 23 Model 113 Stepping 0, AuthenticAMD',
    'AMD64 Family 26 Model 68 Stepping 0, AuthenticAMD',
    'AMD Ryzen 7 5800X 8-Core Processor',
    'AMD Ryzen 9 7950X 16-Core Processor',
    'AMD Ryzen 5 PRO 4650U with Radeon Graphics',
    'AMD EPYC 7763 64-Core Processor',
  ],
  arm: [
    'ARMv8 (64-bit) Family 8 Model D4B Revision 201, Qualcomm Technologies Inc',
    'ARMv8 (64-bit) Family 8 Model 1 Revision   0, Qualcomm Technologies Inc',
    'Snapdragon(R) X Elite - X1E78100 - Qualcomm(R) Oryon(TM) CPU',
    'Microsoft SQ3 @ 3.0 GHz',
    'Apple Silicon (Parallels ARM Virtual Machine)',
  ],
};

/** Architecture strings per vendor: Python's platform.architecture()[0] and the PROCESSOR_ARCHITECTURE forms. */
export const architectures: Readonly<Record<CpuVendor, readonly string[]>> = {
  intel: ['64bit', '64bit', 'AMD64', 'x86_64', '32bit', 'x86'],
  amd: ['64bit', '64bit', 'AMD64', 'x86_64'],
  arm: ['64bit', 'ARM64', 'aarch64'],
};

/** Hostname stems seen on Windows fleets; the generator adds suffixes (and some unicode names). */
export const hostnameStems: readonly string[] = ['DESKTOP', 'LAPTOP', 'WS', 'PC', 'SRV', 'DC', 'SQL', 'RDS', 'computer-name', 'büro-pc', '会計-PC'];

/** Active Directory domains (FQDN and NetBIOS forms) and workgroup names. */
export const domains: readonly string[] = [
  'company.com',
  'corp.example.com',
  'ad.contoso.local',
  'CONTOSO',
  'fabrikam.net',
  'büro.example.de',
  'ad.example.co.jp',
];
export const workgroups: readonly string[] = ['WORKGROUP', 'HOME', 'MSHOME', 'BÜRO', 'オフィス'];
