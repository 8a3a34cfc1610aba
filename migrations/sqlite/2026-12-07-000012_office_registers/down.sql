DROP TABLE office_register_offices;
DROP TABLE office_registers;
