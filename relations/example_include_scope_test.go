package relations_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/relstore/relstore/filter"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/relations"
)

// The school of the scope examples: a teacher has many courses, a course
// many students through enrollments.
type (
	Teacher struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		_    struct{} `relstore:"hasMany=Course"` // courses
	}
	Course struct {
		ID        int64 `relstore:"pk,auto"`
		TeacherID int64 `relstore:"belongsTo=Teacher,onDelete=cascade"`
		Title     string
		Seats     int
		_         struct{} `relstore:"hasMany=Student,through=Enrollment"` // students
	}
	Student struct {
		ID   int64 `relstore:"pk,auto"`
		Name string
		Year int
	}
	Enrollment struct {
		ID        int64 `relstore:"pk,auto"`
		CourseID  int64 `relstore:"belongsTo=Course,onDelete=cascade"`
		StudentID int64 `relstore:"belongsTo=Student,onDelete=cascade"`
	}
)

// openSchool opens a store of the school: teachers Ada (1) and Bo (2);
// Ada teaches Logic (1, 30 seats) and Sets (2, 10 seats), Bo Music (3, 25
// seats); Logic has Cy, Dee and Eve, Sets Cy, Music Dee.
func openSchool() *memstore.Store {
	s, err := memstore.New(memstore.Config{Models: []memstore.Model{
		memstore.ModelOf[Teacher](), memstore.ModelOf[Course](), memstore.ModelOf[Student](), memstore.ModelOf[Enrollment](),
	}})
	if err != nil {
		log.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		for _, v := range []any{
			&Teacher{Name: "Ada"}, &Teacher{Name: "Bo"},
			&Course{TeacherID: 1, Title: "Logic", Seats: 30}, &Course{TeacherID: 1, Title: "Sets", Seats: 10},
			&Course{TeacherID: 2, Title: "Music", Seats: 25},
			&Student{Name: "Cy", Year: 1}, &Student{Name: "Dee", Year: 2}, &Student{Name: "Eve", Year: 3},
			&Enrollment{CourseID: 1, StudentID: 1}, &Enrollment{CourseID: 1, StudentID: 2}, &Enrollment{CourseID: 1, StudentID: 3},
			&Enrollment{CourseID: 2, StudentID: 1}, &Enrollment{CourseID: 3, StudentID: 2},
		} {
			if err := tx.Insert(v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return s
}

// An include whose scopes have a where, an order and a limit: each
// teacher's courses with at least 20 seats, by title, each with its two
// most senior students. A scope applies to the related rows of each row
// on its own, and every level is one lookup per distinct key.
func ExampleNewInclude_scope() {
	s := openSchool()
	defer s.Close()
	inc, err := relations.NewInclude[Teacher](s, filter.Include{Relation: "courses", Scope: filter.Filter{
		Where: filter.Gte("Seats", 20),
		Order: []filter.Order{filter.Asc("Title")},
		Include: []filter.Include{{Relation: "students", Scope: filter.Filter{
			Order: []filter.Order{filter.Desc("Year")},
			Limit: 2,
		}}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	nodes, err := inc.Load(context.Background(), []Teacher{{ID: 1, Name: "Ada"}, {ID: 2, Name: "Bo"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range nodes {
		fmt.Print(n.Row.(Teacher).Name, ":")
		for _, c := range n.Many("courses") {
			fmt.Printf(" %s %v", c.Row.(Course).Title, studentNames(relations.Rows[Student](c.Many("students"))))
		}
		fmt.Println()
	}
	// Teachers 1 and 2; Ada's Logic and Bo's Music (Sets is left out):
	// their links, and students Cy, Dee and Eve once each.
	fmt.Println("lookups:", inc.Lookups())
	// Output:
	// Ada: Logic [Eve Dee]
	// Bo: Music [Dee]
	// lookups: 7
}

// studentNames returns the students' names, in order.
func studentNames(rows []Student) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out
}

// The same include written as LoopBack's JSON, for rows read by model
// name: a REST server's "filter[include]".
func ExampleNewIncludeOf_scope() {
	s := openSchool()
	defer s.Close()
	f, err := filter.Parse([]byte(`{"include": {"relation": "courses", "scope": {
		"where": {"Seats": {"gte": 20}}, "order": "Title ASC",
		"include": {"relation": "students", "scope": {"order": "Year DESC", "limit": 2}}}}}`))
	if err != nil {
		log.Fatal(err)
	}
	inc, err := relations.NewIncludeOf(s, "Teacher", f.Include)
	if err != nil {
		log.Fatal(err)
	}
	err = s.View(context.Background(), func(tx *memstore.Tx) error {
		teachers, err := tx.Find("Teacher", filter.Filter{Where: filter.Eq("Name", "Bo")})
		if err != nil {
			return err
		}
		nodes, err := inc.In(tx).Load(teachers)
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(nodes)
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// [{"ID":2,"Name":"Bo","courses":[{"ID":3,"TeacherID":2,"Title":"Music","Seats":25,"students":[{"ID":2,"Name":"Dee","Year":2}]}]}]
}

// A course's students with a where, an order and a limit (LoopBack 3:
// course.students({where, order, limit})), outside and inside a
// transaction.
func ExampleHasManyThrough_Find() {
	s := openSchool()
	defer s.Close()
	students, err := relations.NewHasManyThrough[Course, Student, Enrollment](s, "students")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	logic := Course{ID: 1, TeacherID: 1, Title: "Logic"}
	seniors, err := students.Find(ctx, logic, filter.Filter{
		Where: filter.Gte("Year", 2),
		Order: []filter.Order{filter.Desc("Name")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("seniors:", studentNames(seniors))
	err = s.Update(ctx, func(tx *memstore.Tx) error {
		if err := students.In(tx).Create(logic, &Student{Name: "Fay", Year: 4}, nil); err != nil {
			return err
		}
		first, err := students.In(tx).Find(logic, filter.Filter{Order: []filter.Order{filter.Desc("Year")}, Limit: 1})
		fmt.Println("most senior, in the Update:", studentNames(first))
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = students.Find(ctx, logic, filter.Filter{Where: filter.Eq("Age", 20)})
	fmt.Println(err)
	// Output:
	// seniors: [Eve Dee]
	// most senior, in the Update: [Fay]
	// relations: Course.students: memstore: query Student: filter: where.Age: unknown field "Age" of Student (fields: ID, Name, Year)
}

// HasMany's scoped methods inside a transaction: a repository writes a
// course and reads the teacher's large courses, its own write included.
func ExampleHasManyTx_Find() {
	s := openSchool()
	defer s.Close()
	courses, err := relations.NewHasMany[Teacher, Course](s, "courses")
	if err != nil {
		log.Fatal(err)
	}
	bo := Teacher{ID: 2, Name: "Bo"}
	err = s.Update(context.Background(), func(tx *memstore.Tx) error {
		c := courses.In(tx)
		if err := c.Create(bo, &Course{Title: "Choir", Seats: 40}); err != nil {
			return err
		}
		large, err := c.Find(bo, filter.Filter{Where: filter.Gte("Seats", 20), Order: []filter.Order{filter.Desc("Seats")}})
		if err != nil {
			return err
		}
		for _, l := range large {
			fmt.Println(l.Title, l.Seats)
		}
		n, err := c.DeleteWhere(bo, filter.Lt("Seats", 30))
		fmt.Println("deleted", n)
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// Choir 40
	// Music 25
	// deleted 1
}
