// Method-heavy OOP: small methods, getters, inheritance with super calls, polymorphic call sites
// (4 shape classes at one site), and a small immutable vector class allocating on every operation.
export const meta = { title: 'OOP (small methods, polymorphic)', n: 2000000 };

class Vec {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
  add(o) {
    return new Vec(this.x + o.x, this.y + o.y);
  }
  scale(k) {
    return new Vec(this.x * k, this.y * k);
  }
  dot(o) {
    return this.x * o.x + this.y * o.y;
  }
  get length() {
    return Math.sqrt(this.dot(this));
  }
}

class Shape {
  constructor(pos) {
    this.pos = pos;
  }
  area() {
    return 0;
  }
  perimeter() {
    return 0;
  }
  weight() {
    return this.area() + this.perimeter() * 0.5;
  }
  moved(d) {
    return this.withPos(this.pos.add(d));
  }
}

class Circle extends Shape {
  constructor(pos, r) {
    super(pos);
    this.r = r;
  }
  area() {
    return Math.PI * this.r * this.r;
  }
  perimeter() {
    return 2 * Math.PI * this.r;
  }
  withPos(p) {
    return new Circle(p, this.r);
  }
}

class Rect extends Shape {
  constructor(pos, w, h) {
    super(pos);
    this.w = w;
    this.h = h;
  }
  area() {
    return this.w * this.h;
  }
  perimeter() {
    return 2 * (this.w + this.h);
  }
  withPos(p) {
    return new Rect(p, this.w, this.h);
  }
}

class Square extends Rect {
  constructor(pos, s) {
    super(pos, s, s);
  }
  weight() {
    return super.weight() * 1.25;
  }
  withPos(p) {
    return new Square(p, this.w);
  }
}

class Triangle extends Shape {
  constructor(pos, a, b, c) {
    super(pos);
    this.a = a;
    this.b = b;
    this.c = c;
  }
  perimeter() {
    return this.a + this.b + this.c;
  }
  area() {
    const s = this.perimeter() / 2;
    return Math.sqrt(Math.max(0, s * (s - this.a) * (s - this.b) * (s - this.c)));
  }
  withPos(p) {
    return new Triangle(p, this.a, this.b, this.c);
  }
}

function makeShape(i) {
  const pos = new Vec(i % 17, i % 13);
  switch (i % 4) {
    case 0: return new Circle(pos, 1 + (i % 5));
    case 1: return new Rect(pos, 1 + (i % 3), 2 + (i % 7));
    case 2: return new Square(pos, 1 + (i % 6));
    default: return new Triangle(pos, 3 + (i % 2), 4, 5);
  }
}

export function run(n) {
  const shapes = [];
  for (let i = 0; i < 64; i++) shapes.push(makeShape(i));
  const step = new Vec(0.5, -0.25);
  let acc = 0;
  let centre = new Vec(0, 0);
  for (let i = 0; i < n; i++) {
    const idx = i & 63;
    const s = shapes[idx];
    acc += s.weight();
    const m = s.moved(step);
    centre = centre.add(m.pos.scale(1 / 64));
    if ((i & 255) === 0) acc += centre.length;
    shapes[idx] = (i & 1) === 0 ? m : s;
  }
  return Math.round(acc * 1000) + Math.round(centre.dot(new Vec(1, 1)));
}
