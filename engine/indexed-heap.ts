// A binary min-heap of nodes that remember their own position, so that a node can be removed or
// re-keyed in O(log n) without a search. Every heap in the engine orders nodes by the numeric
// triple (k1, k2, k3): comparisons are inline number compares, with no comparator call, and every
// heap handles the one node class, which keeps the hot loops monomorphic and fast. Owners encode
// their order into the triple (with a unique sequence number last, so the order is total and
// decisions are deterministic).
export class HeapNode<T> {
  k1 = 0;
  k2 = 0;
  k3 = 0;
  /** Slot in the heap that holds this node, or -1 when it is in none. */
  index = -1;
  constructor(readonly value: T) {}
}

function less<T>(a: HeapNode<T>, b: HeapNode<T>): boolean {
  return a.k1 < b.k1 || (a.k1 === b.k1 && (a.k2 < b.k2 || (a.k2 === b.k2 && a.k3 < b.k3)));
}

export class IndexedHeap<T> {
  private readonly nodes: HeapNode<T>[] = [];

  get size(): number {
    return this.nodes.length;
  }

  /** The smallest node, or undefined when empty. */
  peekNode(): HeapNode<T> | undefined {
    return this.nodes[0];
  }

  peek(): T | undefined {
    const top = this.nodes[0];
    return top === undefined ? undefined : top.value;
  }

  contains(node: HeapNode<T>): boolean {
    return node.index >= 0 && this.nodes[node.index] === node;
  }

  push(node: HeapNode<T>): void {
    node.index = this.nodes.length;
    this.nodes.push(node);
    this.siftUp(node.index);
  }

  pop(): T | undefined {
    const top = this.nodes[0];
    if (top === undefined) return undefined;
    this.remove(top);
    return top.value;
  }

  remove(node: HeapNode<T>): void {
    const i = node.index;
    const last = this.nodes.pop() as HeapNode<T>;
    node.index = -1;
    if (last === node) return;
    this.nodes[i] = last;
    last.index = i;
    this.update(last);
  }

  /** Restores order after `node`'s keys changed in either direction. */
  update(node: HeapNode<T>): void {
    const i = node.index;
    if (i > 0 && less(node, this.nodes[(i - 1) >> 1] as HeapNode<T>)) this.siftUp(i);
    else this.siftDown(i);
  }

  /** Values in heap order (not sorted). */
  values(): T[] {
    return this.nodes.map((n) => n.value);
  }

  private siftUp(start: number): void {
    const nodes = this.nodes;
    const node = nodes[start] as HeapNode<T>;
    let i = start;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = nodes[parentIndex] as HeapNode<T>;
      if (!less(node, parent)) break;
      nodes[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    nodes[i] = node;
    node.index = i;
  }

  private siftDown(start: number): void {
    const nodes = this.nodes;
    const n = nodes.length;
    const node = nodes[start] as HeapNode<T>;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && less(nodes[right] as HeapNode<T>, nodes[left] as HeapNode<T>)) child = right;
      const c = nodes[child] as HeapNode<T>;
      if (!less(c, node)) break;
      nodes[i] = c;
      c.index = i;
      i = child;
    }
    nodes[i] = node;
    node.index = i;
  }
}
