/** Bus types Get-PhysicalDisk reports (BusType), the variety the arbitraries must cover. */
export type BusType = 'NVMe' | 'SATA' | 'USB' | 'SAS' | 'RAID' | 'Virtual';

/** A real disk model and the capacities (GB, as Windows shows them) it ships in. */
export interface DiskModel {
  bus: BusType;
  model: string;
  capacitiesGb: readonly number[];
}

/** Disk models from real inventories, per bus type. */
export const diskModels: readonly DiskModel[] = [
  { bus: 'NVMe', model: 'WD_BLACK SN850X 1000GB', capacitiesGb: [1000] },
  { bus: 'NVMe', model: 'Samsung SSD 990 PRO 2TB', capacitiesGb: [1863.02] },
  { bus: 'NVMe', model: 'SAMSUNG MZVL2512HCJQ-00B00', capacitiesGb: [476.94] },
  { bus: 'NVMe', model: 'KBG40ZNS256G NVMe KIOXIA 256GB', capacitiesGb: [238.47] },
  { bus: 'NVMe', model: 'Micron 2450 NVMe 512GB', capacitiesGb: [476.94] },
  { bus: 'NVMe', model: 'INTEL SSDPEKNW010T8', capacitiesGb: [953.87] },
  { bus: 'SATA', model: 'Samsung SSD 870 EVO 1TB', capacitiesGb: [931.51] },
  { bus: 'SATA', model: 'ST2000DM008-2FR102', capacitiesGb: [1863.02] },
  { bus: 'SATA', model: 'WDC WD40EFRX-68N32N0', capacitiesGb: [3726.02] },
  { bus: 'SATA', model: 'Crucial CT500MX500SSD1', capacitiesGb: [465.76] },
  { bus: 'SATA', model: 'TOSHIBA DT01ACA100', capacitiesGb: [931.51] },
  { bus: 'USB', model: 'SanDisk Extreme 55AE USB Device', capacitiesGb: [931.48, 1862.99] },
  { bus: 'USB', model: 'WD Elements 25A3 USB Device', capacitiesGb: [4657.45] },
  { bus: 'USB', model: 'Kingston DataTraveler 3.0 USB Device', capacitiesGb: [28.87, 57.75] },
  { bus: 'SAS', model: 'HGST HUH721212AL5200', capacitiesGb: [11176.02] },
  { bus: 'SAS', model: 'SEAGATE ST1200MM0088', capacitiesGb: [1117.81] },
  { bus: 'RAID', model: 'DELL PERC H740P Mini', capacitiesGb: [3725.5, 14901.0] },
  { bus: 'RAID', model: 'HPE LOGICAL VOLUME', capacitiesGb: [838.33] },
  { bus: 'Virtual', model: 'Msft Virtual Disk', capacitiesGb: [127, 256] },
  { bus: 'Virtual', model: 'VMware Virtual disk SCSI Disk Device', capacitiesGb: [60, 100] },
  { bus: 'Virtual', model: 'Red Hat VirtIO SCSI Disk Device', capacitiesGb: [80] },
];

/** File systems of a Windows system volume (and the empty string some collectors return). */
export const fileSystems: readonly string[] = ['NTFS', 'NTFS', 'ReFS', 'FAT32', 'exFAT', ''];

/** BitLocker encryption methods as manage-bde and Get-BitLockerVolume print them. */
export const encryptionMethods: readonly string[] = ['XTS-AES 128', 'XTS-AES 256', 'AES-128', 'AES-256', 'AES 128 with Diffuser', 'Hardware Encryption'];
