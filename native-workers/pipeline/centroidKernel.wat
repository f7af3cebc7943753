;; Centroid sums of one window of rows (centroidKernel.ts drives it): the per-row pass of
;; centroids.ts's centroidsFromLabels for DBSCAN, whose clusters are numbered trigger by trigger, so
;; that a window of whole triggers holds all rows of the clusters next..next+m-1 and no others. Per
;; row in order (the reference's summation order, so the same bits): ToT sum, x*ToT, y*ToT, tof*ToT,
;; count, max ToT and the trigger of its first hit; then, in place, x, y, tof = sums / ToT sum and
;; tot avg = ToT sum / count, in centroidsFromLabels' operations.
;; Inputs (WINDOW = 16384 rows): X 0, Y 32768 (u16), TOT 65536 (u32), TOF 131072, TRIG 262144
;; (f64), LAB 393216 (i32). Per cluster (CAP = 16384): STOT 458752, SX 589824, SY 720896,
;; ST 851968, CNT 983040, MTOT 1114112, STRIG 1245184 (f64).
(module
  (memory (export "memory") 21 21)

  ;; Returns m, or -1 when a label lies outside next..next+CAP-1 (the caller's assumption fails).
  (func (export "sums") (param $n i32) (param $next i32) (result i32)
    (local $r i32) (local $l i32) (local $m i32) (local $a i32) (local $t f64) (local $s f64)
    (block $end (loop $rows
      (br_if $end (i32.ge_u (local.get $r) (local.get $n)))
      (local.set $l (i32.load offset=393216 (i32.shl (local.get $r) (i32.const 2))))
      (if (i32.ge_s (local.get $l) (i32.const 0))
        (then
          (local.set $l (i32.sub (local.get $l) (local.get $next)))
          (if (i32.ge_u (local.get $l) (i32.const 16384)) (then (return (i32.const -1))))
          ;; A new highest cluster: start its sums (and those of any skipped below it).
          (block $known (loop $grow
            (br_if $known (i32.lt_u (local.get $l) (local.get $m)))
            (local.set $a (i32.shl (local.get $m) (i32.const 3)))
            (f64.store offset=458752 (local.get $a) (f64.const 0))
            (f64.store offset=589824 (local.get $a) (f64.const 0))
            (f64.store offset=720896 (local.get $a) (f64.const 0))
            (f64.store offset=851968 (local.get $a) (f64.const 0))
            (f64.store offset=983040 (local.get $a) (f64.const 0))
            (f64.store offset=1114112 (local.get $a) (f64.const -1))
            (f64.store offset=1245184 (local.get $a) (f64.const 0))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $grow)))
          (local.set $a (i32.shl (local.get $l) (i32.const 3)))
          (local.set $t (f64.convert_i32_u (i32.load offset=65536 (i32.shl (local.get $r) (i32.const 2)))))
          (f64.store offset=458752 (local.get $a) (f64.add (f64.load offset=458752 (local.get $a)) (local.get $t)))
          (f64.store offset=589824 (local.get $a)
            (f64.add (f64.load offset=589824 (local.get $a))
                     (f64.mul (f64.convert_i32_u (i32.load16_u (i32.shl (local.get $r) (i32.const 1)))) (local.get $t))))
          (f64.store offset=720896 (local.get $a)
            (f64.add (f64.load offset=720896 (local.get $a))
                     (f64.mul (f64.convert_i32_u (i32.load16_u offset=32768 (i32.shl (local.get $r) (i32.const 1))))
                              (local.get $t))))
          (f64.store offset=851968 (local.get $a)
            (f64.add (f64.load offset=851968 (local.get $a))
                     (f64.mul (f64.load offset=131072 (i32.shl (local.get $r) (i32.const 3))) (local.get $t))))
          (f64.store offset=983040 (local.get $a) (f64.add (f64.load offset=983040 (local.get $a)) (f64.const 1)))
          (if (f64.gt (local.get $t) (f64.load offset=1114112 (local.get $a)))
            (then
              (f64.store offset=1114112 (local.get $a) (local.get $t))
              (f64.store offset=1245184 (local.get $a) (f64.load offset=262144 (i32.shl (local.get $r) (i32.const 3))))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows)))
    (local.set $l (i32.const 0))
    (block $end (loop $divide
      (br_if $end (i32.ge_u (local.get $l) (local.get $m)))
      (local.set $a (i32.shl (local.get $l) (i32.const 3)))
      (local.set $s (f64.load offset=458752 (local.get $a)))
      (f64.store offset=589824 (local.get $a) (f64.div (f64.load offset=589824 (local.get $a)) (local.get $s)))
      (f64.store offset=720896 (local.get $a) (f64.div (f64.load offset=720896 (local.get $a)) (local.get $s)))
      (f64.store offset=851968 (local.get $a) (f64.div (f64.load offset=851968 (local.get $a)) (local.get $s)))
      (f64.store offset=458752 (local.get $a) (f64.div (local.get $s) (f64.load offset=983040 (local.get $a))))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br $divide)))
    (local.get $m))
)
