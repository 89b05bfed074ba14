// The max-min fair allocation of service capacity to users, by progressive filling (water-filling):
// every unsatisfied user's allocation rises in proportion to its weight; a user stops when its
// demand is met, or when every service it may use is full. Users with the same access set compete
// identically, so they are filled as one class; a class's increment is spread over its services in
// proportion to their remaining capacity per competing weight. This approximates the true max-min allocation (which is a
// flow problem) and is exact when all users share one access set.

export interface FairShareInput {
  /** Capacity of each service over the run (sends). */
  capacities: readonly number[];
  /** Per user: demand (sends wanted), weight, and the services it may use (indices), or 'all'. */
  users: readonly { demand: number; weight: number; access: 'all' | readonly number[] }[];
}

interface AccessClass {
  services: number[];
  members: number[];
}

function classesOf(input: FairShareInput): AccessClass[] {
  const byKey = new Map<string, AccessClass>();
  const all = input.capacities.map((_, i) => i);
  input.users.forEach((u, i) => {
    const key = u.access === 'all' ? '*' : u.access.join(',');
    let c = byKey.get(key);
    if (!c) byKey.set(key, (c = { services: u.access === 'all' ? all : [...u.access], members: [] }));
    c.members.push(i);
  });
  return [...byKey.values()];
}

/** Each class's split of its increment over its services: by free capacity per competing weight. */
function splits(classes: readonly AccessClass[], classWeight: readonly number[], left: readonly number[]): number[][] {
  const competing = left.map(() => 0);
  classes.forEach((c, k) => { if (classWeight[k]! > 0) for (const j of c.services) competing[j]! += classWeight[k]!; });
  return classes.map((c) => {
    const room = c.services.map((j) => (left[j]! > 0 && competing[j]! > 0 ? left[j]! / competing[j]! : 0));
    const total = room.reduce((a, b) => a + b, 0);
    return room.map((r) => (total === 0 ? 0 : r / total));
  });
}

/**
 * Returns each user's allocation (sends). Unfrozen users all sit at `level × weight`, so the next
 * user to be satisfied is the one with the smallest demand / weight: users are visited in that
 * order, and each round either satisfies users or fills a class's last service. Bounded by
 * users + classes rounds, each O(edges of the classes).
 */
export function maxMinAllocation(input: FairShareInput): number[] {
  const users = input.users;
  const alloc = users.map(() => 0);
  const left = [...input.capacities];
  const classes = classesOf(input);
  const classOf: number[] = users.map(() => 0);
  classes.forEach((c, k) => { for (const i of c.members) classOf[i] = k; });
  const classWeight = classes.map(() => 0);
  const order = users.map((_, i) => i).filter((i) => users[i]!.demand > 0 && users[i]!.weight > 0);
  for (const i of order) classWeight[classOf[i]!]! += users[i]!.weight;
  order.sort((a, b) => users[a]!.demand / users[a]!.weight - users[b]!.demand / users[b]!.weight || a - b);
  const frozen = users.map(() => false);
  const EPS = 1e-9;
  let level = 0;
  let next = 0;
  const freeze = (i: number, amount: number) => {
    if (frozen[i]) return;
    frozen[i] = true;
    alloc[i] = amount;
    classWeight[classOf[i]!]! -= users[i]!.weight;
  };
  for (let round = 0; round <= users.length + classes.length && next < order.length; round++) {
    const split = splits(classes, classWeight, left);
    const load = left.map(() => 0);
    classes.forEach((c, k) => c.services.forEach((j, x) => { load[j]! += classWeight[k]! * split[k]![x]!; }));
    while (next < order.length && frozen[order[next]!]) next++;
    if (next >= order.length) break;
    const u = users[order[next]!]!;
    let step = u.demand / u.weight - level;
    load.forEach((l, j) => { if (l > EPS) step = Math.min(step, left[j]! / l); });
    level += Math.max(0, step);
    load.forEach((l, j) => { left[j] = Math.max(0, left[j]! - step * l); });
    // Satisfied users leave at their demand; classes whose services are all full leave at the level.
    while (next < order.length && users[order[next]!]!.demand / users[order[next]!]!.weight <= level * (1 + EPS)) {
      const i = order[next++]!;
      freeze(i, users[i]!.demand);
    }
    classes.forEach((c, k) => {
      if (classWeight[k]! > 0 && c.services.every((j) => left[j]! <= EPS * Math.max(1, input.capacities[j]!))) {
        for (const i of c.members) if (users[i]!.demand > 0 && users[i]!.weight > 0) freeze(i, level * users[i]!.weight);
      }
    });
  }
  for (const i of order) if (!frozen[i]) alloc[i] = level * users[i]!.weight;
  return alloc;
}
