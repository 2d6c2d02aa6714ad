/**
 * The PowerShell each Windows collector runs in the persistent session. Every script prints one JSON document
 * (ConvertTo-Json -InputObject keeps one-element arrays as arrays, yet the parsers still accept a bare object
 * because older recordings show PowerShell 5.1 unrolling them). The first line names the query, which the
 * recorded-output player used in tests keys its fixtures by.
 */

/** Host identity from Win32_ComputerSystem (domain or workgroup), Win32_OperatingSystem and Win32_Processor. */
export const systemScript = String.raw`# lanet-query: system
$cs = Get-CimInstance -ClassName Win32_ComputerSystem -ErrorAction Stop
$os = Get-CimInstance -ClassName Win32_OperatingSystem -ErrorAction Stop
$cpu = Get-CimInstance -ClassName Win32_Processor -ErrorAction SilentlyContinue | Select-Object -First 1
ConvertTo-Json -Compress -InputObject ([ordered]@{
  Name = $cs.Name; DNSHostName = $cs.DNSHostName; Domain = $cs.Domain; PartOfDomain = [bool]$cs.PartOfDomain; Workgroup = $cs.Workgroup
  Caption = $os.Caption; Version = $os.Version; BuildNumber = $os.BuildNumber; OSArchitecture = $os.OSArchitecture; ProductType = $os.ProductType
  ProcessorName = $cpu.Name; ProcessorIdentifier = $env:PROCESSOR_IDENTIFIER
})`;

/** Physical disks from Get-PhysicalDisk, each with its Get-StorageReliabilityCounter (SMART) where readable. */
export const disksScript = String.raw`# lanet-query: disks
$disks = @(Get-PhysicalDisk -ErrorAction Stop | Sort-Object { [int]$_.DeviceId })
$rows = foreach ($d in $disks) {
  $rc = $null
  try { $rc = $d | Get-StorageReliabilityCounter -ErrorAction Stop } catch { }
  [ordered]@{
    DeviceId = [string]$d.DeviceId; FriendlyName = $d.FriendlyName; Model = $d.Model
    BusType = [string]$d.BusType; MediaType = [string]$d.MediaType; HealthStatus = [string]$d.HealthStatus
    OperationalStatus = [string]($d.OperationalStatus -join ','); Size = $d.Size
    ReadErrorsUncorrected = $rc.ReadErrorsUncorrected; WriteErrorsUncorrected = $rc.WriteErrorsUncorrected
    Temperature = $rc.Temperature; Wear = $rc.Wear
  }
}
ConvertTo-Json -Depth 3 -Compress -InputObject @($rows)`;

/**
 * BitLocker volumes from Get-BitLockerVolume, else Win32_EncryptableVolume (Server Core without the module);
 * Supported=false when neither exists (Home editions). Both need administrator rights: run as LocalSystem.
 */
export const bitlockerScript = String.raw`# lanet-query: bitlocker
if (Get-Command -Name Get-BitLockerVolume -ErrorAction SilentlyContinue) {
  $vols = foreach ($v in @(Get-BitLockerVolume -ErrorAction Stop)) {
    [ordered]@{
      MountPoint = $v.MountPoint; ProtectionStatus = [string]$v.ProtectionStatus; VolumeStatus = [string]$v.VolumeStatus
      EncryptionMethod = [string]$v.EncryptionMethod
      RecoveryPasswords = @($v.KeyProtector | Where-Object { [string]$_.KeyProtectorType -eq 'RecoveryPassword' } | ForEach-Object { $_.RecoveryPassword })
    }
  }
  ConvertTo-Json -Depth 4 -Compress -InputObject ([ordered]@{ Supported = $true; Source = 'Get-BitLockerVolume'; Volumes = @($vols) })
} else {
  try {
    $ns = 'root\cimv2\Security\MicrosoftVolumeEncryption'
    $vols = foreach ($v in @(Get-CimInstance -Namespace $ns -ClassName Win32_EncryptableVolume -ErrorAction Stop)) {
      $method = (Invoke-CimMethod -InputObject $v -MethodName GetEncryptionMethod).EncryptionMethod
      $ids = (Invoke-CimMethod -InputObject $v -MethodName GetKeyProtectors -Arguments @{ KeyProtectorType = [uint32]3 }).VolumeKeyProtectorID
      $passwords = foreach ($id in @($ids)) { (Invoke-CimMethod -InputObject $v -MethodName GetKeyProtectorNumericalPassword -Arguments @{ VolumeKeyProtectorID = $id }).NumericalPassword }
      [ordered]@{ MountPoint = $v.DriveLetter; ProtectionStatus = [string]$v.ProtectionStatus; EncryptionMethod = [string]$method; RecoveryPasswords = @($passwords) }
    }
    ConvertTo-Json -Depth 4 -Compress -InputObject ([ordered]@{ Supported = $true; Source = 'Win32_EncryptableVolume'; Volumes = @($vols) })
  } catch {
    ConvertTo-Json -Compress -InputObject ([ordered]@{ Supported = $false; Source = 'none'; Reason = $_.Exception.Message; Volumes = @() })
  }
}`;

/** Installed programs from the registry Uninstall keys (64-bit, WOW6432Node, every loaded user hive); never Win32_Product. */
export const programsScript = String.raw`# lanet-query: programs
$paths = @(
  'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
  'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*',
  'Registry::HKEY_USERS\*\Software\Microsoft\Windows\CurrentVersion\Uninstall\*'
)
$rows = foreach ($p in $paths) {
  foreach ($e in @(Get-ItemProperty -Path $p -ErrorAction SilentlyContinue)) {
    if ($e.DisplayName) {
      [ordered]@{ DisplayName = [string]$e.DisplayName; DisplayVersion = $e.DisplayVersion; Publisher = $e.Publisher; SystemComponent = $e.SystemComponent; Hive = ($p -split '\\')[0] }
    }
  }
}
ConvertTo-Json -Depth 2 -Compress -InputObject @($rows)`;
