// The max-min fair allocation of service capacity to users, by progressive filling (water-filling):
// every unsatisfied user's allocation rises in proportion to its weight; a user stops when its
// demand is met, or when every service it may use is full. Users with the same access set compete
// identically, so they are filled as one class; a class's increment is spread over its services in
// proportion to their remaining capacity. This approximates the true max-min allocation (which is a
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

/** Returns each user's allocation (sends). Bounded by users + services rounds. */
export function maxMinAllocation(input: FairShareInput): number[] {
  const alloc = input.users.map(() => 0);
  const left = [...input.capacities];
  const active = input.users.map((u) => u.demand > 0 && u.weight > 0);
  const classes = classesOf(input);
  const EPS = 1e-9;
  for (let round = 0; round <= input.users.length + input.capacities.length; round++) {
    // Weighted demand of each class in this round, and per service the weight routed to it.
    const load = left.map(() => 0);
    const classWeight = classes.map((c) => c.members.reduce((w, i) => w + (active[i] ? input.users[i]!.weight : 0), 0));
    const classFree = classes.map((c) => c.services.reduce((s, j) => s + left[j]!, 0));
    classes.forEach((c, k) => {
      if (classWeight[k]! === 0 || classFree[k]! <= EPS) return;
      for (const j of c.services) load[j]! += (classWeight[k]! * left[j]!) / classFree[k]!;
    });
    // The largest level step before some user is satisfied or some service fills.
    let step = Infinity;
    input.users.forEach((u, i) => { if (active[i]) step = Math.min(step, (u.demand - alloc[i]!) / u.weight); });
    load.forEach((l, j) => { if (l > EPS) step = Math.min(step, left[j]! / l); });
    if (!Number.isFinite(step)) break;
    classes.forEach((c, k) => {
      if (classWeight[k]! === 0) return;
      if (classFree[k]! <= EPS) { for (const i of c.members) active[i] = false; return; }
      for (const i of c.members) if (active[i]) alloc[i]! += step * input.users[i]!.weight;
      for (const j of c.services) left[j]! -= (step * classWeight[k]! * left[j]!) / classFree[k]!;
    });
    input.users.forEach((u, i) => { if (active[i] && u.demand - alloc[i]! <= EPS * Math.max(1, u.demand)) active[i] = false; });
    if (!active.some(Boolean)) break;
  }
  return alloc;
}
