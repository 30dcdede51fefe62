interface LockEntry {
  version: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  [key: string]: unknown
}

interface Lockfile {
  packages: Record<string, LockEntry>
}

interface HostManifest {
  name: string
  version: string
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** Where Node finds `name` from the package at `from`: its own node_modules first, then each parent's. */
function installedAt(lock: Lockfile, from: string, name: string): string | undefined {
  let base = from
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`
    if (lock.packages[candidate]) return candidate
    if (!base) return undefined
    const parent = base.lastIndexOf('/node_modules/')
    base = parent === -1 ? '' : base.slice(0, parent)
  }
}

/**
 * A lockfile for a host project that depends on the packed tarball: the tarball's dependencies and the host's
 * devDependencies, at the versions, places and integrities this repository's lockfile pins. `npm ci --offline`
 * then installs it from the npm cache that the repository's `npm ci` filled, without the network.
 */
export function hostLockfile(repoLock: Lockfile, host: HostManifest, tarball: string): object {
  const own: LockEntry = JSON.parse(JSON.stringify(repoLock.packages['']))
  const packages: Record<string, object> = {
    '': {
      name: host.name,
      version: host.version,
      dependencies: host.dependencies,
      devDependencies: host.devDependencies
    },
    'node_modules/actions-zendesk': {
      version: own.version,
      resolved: `file:${tarball}`,
      dependencies: own.dependencies
    }
  }
  const visit = (from: string, names: string[]) => {
    for (const name of names) {
      const at = installedAt(repoLock, from, name)
      if (!at || at in packages) continue
      const entry = repoLock.packages[at]
      packages[at] = Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'dev' && key !== 'devOptional'))
      visit(at, [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})])
    }
  }
  visit('', [...Object.keys(own.dependencies ?? {}), ...Object.keys(host.devDependencies)])
  return { name: host.name, version: host.version, lockfileVersion: 3, requires: true, packages }
}
